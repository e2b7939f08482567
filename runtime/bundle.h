/* SPDX-License-Identifier: Apache-2.0 */
/* oci-idmap-runtime's edit of the bundle: the hook added to config.json. */
#pragma once

#include "err.h"

/*
 * Add the hook (path, NULL-terminated argv) to hooks.createRuntime of
 * <bundle>/config.json unless an entry with that path is there.  The file
 * is replaced atomically (a temporary file in the same directory, with the
 * same mode and owner, renamed over it); it is left as it was on failure.
 * Returns 1 when added, 0 when already there, -errno (-EFBIG when the
 * file, with the hook, would be larger than the hook reads: IO_CONFIG_MAX).
 */
int bundle_add_hook(const char *bundle, const char *hook, const char *const *args, struct err *e);
