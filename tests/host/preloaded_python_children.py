"""Run by a host's python with libpybuffer preloaded (LD_PRELOAD): the non-Python programs
it starts (which inherit the preload) and a Python child must behave exactly as they do
without the preload. Usage: python preloaded_python_children.py <C compiler>"""
import os
import subprocess
import sys

compiler = sys.argv[1]
preload = os.environ.get("LD_PRELOAD", "")
with open("/proc/self/maps") as maps:
    loaded = "libpybuffer" in maps.read()
if not preload or not loaded:
    sys.exit("libpybuffer is not preloaded into this interpreter (LD_PRELOAD=%r)" % preload)

without = dict(os.environ)
del without["LD_PRELOAD"]
children = [
    ["/bin/true"],
    ["sh", "-c", "printf 'a\\nb\\n' | sort -r | tr a-z A-Z"],
    [compiler, "--version"],
    ["sh", "-c", "printf 'int main(void){return 3;}' | %s -x c - -o /dev/null" % compiler],
    [sys.executable, "-c",
     "import array; print(bytes(memoryview(array.array('i', [1, 2, 3]))[::2]).hex())"],
]
failed = 0
for argv in children:
    outcomes = []
    for env in (os.environ, without):
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        outcomes.append((done.returncode, done.stdout))
    if outcomes[0] != outcomes[1] or outcomes[0][0] != 0:
        failed += 1
        print("FAILED %s: with preload %r, without %r" % (argv, outcomes[0], outcomes[1]))
print("%d passed, %d failed" % (len(children) - failed, failed))
sys.exit(1 if failed else 0)
