/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by remount.c (clones, the container's side, the flow) and
 * remount_group.c (groups: a replaced mount and the runtime's mounts on top
 * of it, carried over onto its clone and attached or undone together).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "mountinfo.h"
#include "pathres.h"
#include "plan.h"
#include "remount.h"
#include "spec.h"
#include "userns.h"

#define NO_GROUP SIZE_MAX

/* Per spec mount: the clone to attach and where it belongs. */
struct item {
	int clone_fd;	      /* detached clone, or -EBADF */
	struct path_info src; /* the clone's root: the source as the host sees it */
	uint64_t target_mnt;  /* the runtime's mount at the destination */
	size_t group;	      /* index of the group's first mount, or NO_GROUP */
	bool attached;
	bool at_mount;	     /* a mount root was found at the destination: at */
	struct path_info at; /* ... looked up once, before anything is attached */
	int at_err;	     /* or why the lookup failed (-errno) */
	bool at_err_statx;   /* ... in statx rather than in the resolution */
};

struct run {
	struct userns_holder *holders; /* reaped last: their exits run meanwhile */
	size_t n_holders;
	const struct oci_spec *spec;
	struct plan *plan;
	struct item *items;
	size_t n;
	int root_fd; /* the rootfs, inside the container's mount namespace */
	struct mount_table table;
	bool strict;
	struct remount_timing *timing;
	struct err *e; /* the first failure, returned in strict mode */
	int failed;
};

/* A step failed for mount i (cause in why): the mount falls back. */
void remount_fail(struct run *run, size_t i, int r, struct err *why);
bool remount_is_idmap(const struct run *run, size_t i);

/* Group root i (found at its destination): adopt the runtime's mounts on top
 * of it, or fall back for it. */
void remount_form_group(struct run *run, size_t i);

/* Attach group i's clones in order; undo the group if one fails. */
void remount_swap_group(struct run *run, size_t i);
