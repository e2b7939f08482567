/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled (never run) by `make cross ARCH=...`: lib/syscalls.h gives this
 * architecture the numbers its kernel table has (issue 22: open_tree_attr
 * had one on x86_64 only, so an arm64 build fell back on every idmapped
 * source).  Numbers from arch/x86/entry/syscalls/syscall_64.tbl and
 * include/uapi/asm-generic/unistd.h.
 */
#include "syscalls.h"

#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(SYS_statmount == 457, "statmount is 457");
_Static_assert(SYS_listmount == 458, "listmount is 458");
_Static_assert(SYS_open_tree_attr == 467, "open_tree_attr is 467");
#else
#error "no syscall numbers checked for this architecture: add its table"
#endif

int main(void)
{
	return 0;
}
