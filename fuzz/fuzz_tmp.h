/*
 * fuzz_tmp: the scratch directory a fuzz target builds at start, removed
 * with everything in it when the fuzzer exits.
 */
#ifndef OP25B_FUZZ_TMP_H
#define OP25B_FUZZ_TMP_H

/* mkdtemp(template) and remove it at exit; aborts on failure. */
void	fuzz_tmpdir(char *);

#endif
