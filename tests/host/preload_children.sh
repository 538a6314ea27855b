#!/bin/sh
# Programs started with libpybuffer preloaded, as every child of a preloaded interpreter is:
# each must run as it does without it, under lazy and immediate binding alike.
#   preload_children.sh <libpybuffer.so> <C compiler>
set -u
library=$1
compiler=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
passed=0

# Runs "$@" twice, with the library preloaded lazily and with LD_BIND_NOW=1, and compares
# each run's output and status with the run without it.
same_with_and_without() {
  name=$1
  shift
  expected=$("$@" 2>&1; echo "status $?")
  for bind in lazy now; do
    if [ "$bind" = now ]; then
      got=$(LD_PRELOAD="$library" LD_BIND_NOW=1 "$@" 2>&1; echo "status $?")
    else
      got=$(LD_PRELOAD="$library" "$@" 2>&1; echo "status $?")
    fi
    if [ "$got" = "$expected" ]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      printf 'FAILED %s (%s binding)\n--- without:\n%s\n--- with:\n%s\n' "$name" "$bind" "$expected" "$got"
    fi
  done
}

printf 'int main(void) { return 0; }\n' > "$scratch/empty.c"
same_with_and_without true /bin/true
same_with_and_without pipeline sh -c 'printf "a b c\n" | tr a-z A-Z | wc -c'
same_with_and_without compiler "$compiler" -c "$scratch/empty.c" -o "$scratch/empty.o"
same_with_and_without compile-and-link sh -c "'$compiler' '$scratch/empty.c' -o '$scratch/empty' && '$scratch/empty'"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
