// A minimal streaming JSON writer: enough for the checker's report, with the commas and
// string escapes handled in one place. Strings are emitted as UTF-8; a byte that is not part
// of valid UTF-8 (an exporter's format string may hold anything) is written as the code
// point of the same value, so the output is always valid JSON.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace pybuffer::check {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream &out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// The key of the next member of the current object.
  void key(const std::string &name) {
    separate();
    write_string(name);
    out_ << ": ";
    after_key_ = true;
  }

  void value(const std::string &text) {
    separate();
    write_string(text);
  }
  void value(const char *text) { value(std::string(text)); }
  void value(long long number) {
    separate();
    out_ << number;
  }
  void value(int number) { value(static_cast<long long>(number)); }
  void value(long number) { value(static_cast<long long>(number)); }
  void value(unsigned long number) {
    separate();
    out_ << number;
  }
  void value(bool flag) {
    separate();
    out_ << (flag ? "true" : "false");
  }
  void null() {
    separate();
    out_ << "null";
  }

 private:
  void open(char bracket) {
    separate();
    out_ << bracket;
    first_.push_back(true);
  }
  void close(char bracket) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ << bracket;
  }
  void newline() { out_ << '\n' << std::string(2 * first_.size(), ' '); }
  // Before any value or key: the comma and indentation its position needs.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ << ',';
    first_.back() = false;
    newline();
  }

  static std::size_t utf8_length(const std::string &text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (lead >= 0xF5 || i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return 0;
    }
    return length;
  }

  void write_string(const std::string &text) {
    static const char hex[] = "0123456789abcdef";
    out_ << '"';
    for (std::size_t i = 0; i < text.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      if (c == '"' || c == '\\') {
        out_ << '\\' << c;
      } else if (c == '\n') {
        out_ << "\\n";
      } else if (c < 0x20 || c == 0x7F) {
        out_ << "\\u00" << hex[c >> 4] << hex[c & 0xF];
      } else if (c < 0x80) {
        out_ << c;
      } else if (const std::size_t length = utf8_length(text, i)) {
        out_ << text.substr(i, length);
        i += length - 1;
      } else {
        out_ << "\\u00" << hex[c >> 4] << hex[c & 0xF];
      }
    }
    out_ << '"';
  }

  std::ostream &out_;
  std::vector<bool> first_;  // per open container: no member written yet
  bool after_key_ = false;
};

}  // namespace pybuffer::check
