"""pybuffer-bindings: which loaded object each reference to a buffer function binds to.

Run under the interpreter and the deployment in question (LD_PRELOAD, an embedding host,
...). It reads the dynamic linker's own state in this process: the loaded objects
(loaded_objects), each object's dynamic symbols and relocations (elf_dynamic), and what
each reference resolves to (resolution); report builds the verdict, render prints it.
Standard library only; Python 3.6+.
"""
