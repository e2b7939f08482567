/* SPDX-License-Identifier: Apache-2.0 */
/* A mount table (/proc/.../mountinfo) as plain structs: the only reader of it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct mount_entry {
	int id, parent_id;
	char *target;
	char *root;   /* the mount's root within its filesystem */
	char *source; /* the filesystem's source: a device, "proc", "tmpfs", ... */
	char fstype[32];
	bool idmapped;
};

struct mount_table {
	struct mount_entry *entries;
	size_t n;
};

int mountinfo_read(const char *path, struct mount_table *ret_table, struct err *e);

/* The same from text already read (modified in place). */
int mountinfo_parse(char *text, struct mount_table *ret_table, struct err *e);
const struct mount_entry *mountinfo_find(const struct mount_table *t, int id);

/* Is the mount `id` a descendant (strictly below) of the mount `ancestor`? */
bool mountinfo_is_below(const struct mount_table *t, int id, int ancestor);

void mountinfo_free(struct mount_table *t);
