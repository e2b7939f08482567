/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The libmount boundary: mount tables (/proc/.../mountinfo) as plain structs,
 * and the kernel's mount options as libmount's map knows them.  The only file
 * that includes <libmount/libmount.h>.  libmount is loaded at the first call
 * that needs it (mountinfo_load), never linked: a hook that has no mount to
 * remap never loads it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "mount_types.h"

struct mount_entry {
	int id, parent_id;
	char *target; /* where it is mounted, unescaped (owns root's and source's memory) */
	char *root;   /* the path inside its filesystem that is mounted there */
	char *source; /* the filesystem's source: a device, "proc", "tmpfs", ... or "" */
	char fstype[FSTYPE_MAX];
	bool idmapped;	    /* the VFS option "idmapped" */
	unsigned int flags; /* enum mount_flag: its own (VFS) ro, nosuid, ... */
	int shared, master; /* its peer group (shared:N) and the one it receives
			       from (master:N), or 0 */
	bool unbindable;
	dev_t dev; /* its filesystem (major:minor): mounts of one share it */
};

/* Sorted by id. */
struct mount_table {
	struct mount_entry *entries;
	size_t n;
};

/* The largest mount table read: the kernel's default fs.mount-max (100000
 * mounts in a namespace) at over 600 bytes a line.  Past it: -EFBIG. */
#define MOUNTINFO_MAX (64 * 1024 * 1024)

/* Load libmount (libmount.so.1) once; later calls say what the first did.
 * -ELIBACC when it cannot be, with dlopen's words.  Call it before entering
 * another mount namespace: a library is never looked for in a container's. */
int mountinfo_load(struct err *e);

/* Parse a mountinfo file.  Lines that are not mountinfo lines are skipped.
 * Loads libmount (mountinfo_load) when needed. */
int mountinfo_read(const char *path, struct mount_table *ret_table, struct err *e);

/* The same from text already read (NUL-terminated; not modified). */
int mountinfo_parse(char *text, struct mount_table *ret_table, struct err *e);

const struct mount_entry *mountinfo_find(const struct mount_table *t, int id);

/* Is the mount `id` a descendant (strictly below) of the mount `ancestor`? */
bool mountinfo_is_below(const struct mount_table *t, int id, int ancestor);

void mountinfo_free(struct mount_table *t);

/* A mount's propagation type (enum mount_prop). */
unsigned int mountinfo_prop(const struct mount_entry *m);

/* The kernel's MS_* flags as the hook's enum mount_flag (the ones it knows). */
unsigned int mountinfo_flags_of(unsigned long ms);

/* A mount option as libmount's map of the kernel's options (MNT_LINUX_MAP)
 * knows it: the MS_* flags it stands for (<sys/mount.h>), and whether it
 * clears them ("rw", "suid", ...) rather than sets them.  1 when the kernel
 * has such an option, 0 when not (an option with a value never is one),
 * -ELIBACC without libmount. */
int mountinfo_kernel_option(const char *name, unsigned long *ret_flags, bool *ret_clears,
			    struct err *e);
