/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.readonlyPaths: read from config.json, and compared with a
 * destination by components as the runtime resolves them inside the rootfs.
 * Below spec.c, which holds them in struct oci_spec.
 */
#pragma once

#include <stddef.h>

#include "err.h"
#include "json.h"

/* linux.readonlyPaths of lx (the "linux" object): *ret_n strings, each
 * NUL-terminated, one after the other in one block (*ret_block, free() it;
 * NULL and 0 when there are none).  Bounded (EFBIG). */
int spec_paths_parse(const json_value *lx, char **ret_block, size_t *ret_n, struct err *e);

/* The entry of block (n strings, as spec_paths_parse() makes them) at,
 * above or below destination (by components, ".." taken back and never
 * above the root), or NULL. */
const char *spec_paths_overlap(const char *block, size_t n, const char *destination);
