/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The do-nothing hook the benchmark compares with: it reads the state a
 * runtime writes to a hook's stdin and exits 0.  Linked statically, what a
 * runtime pays for any hook at all; linked dynamically (section 0 builds it
 * both ways), what any dynamic executable pays on top: the loader and libc.
 */
#include <unistd.h>

int main(void)
{
	char buf[4096];

	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
