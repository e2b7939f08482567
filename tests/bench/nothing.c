/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The do-nothing hook the benchmark subtracts: linked statically, it reads
 * the state a runtime writes to a hook's stdin and exits 0.  What a runtime
 * pays for any hook at all; the hook's own cost is what it takes beyond this.
 */
#include <unistd.h>

int main(void)
{
	char buf[4096];

	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
