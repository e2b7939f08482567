/* SPDX-License-Identifier: Apache-2.0 */
/* oci-idmap-runtime's part that touches files: the bundle's config.json and
 * the runtime's log. */
#pragma once

#include "err.h"

/*
 * Add the hook (path, NULL-terminated argv) to hooks.createRuntime of
 * <bundle>/config.json unless an entry with that path is there.  The file
 * is replaced atomically (a temporary file in the same directory, with the
 * same mode and owner, renamed over it); it is left as it was on failure.
 * Returns 1 when added, 0 when already there, -errno.
 */
int runtime_bundle_add_hook(const char *bundle, const char *hook, const char *const *args,
			    struct err *e);

/*
 * Append msg to the runtime log the engine asked for (--log, --log-format):
 * a JSON line {"level":"error","msg":...,"time":...} for "json", where
 * containerd looks for the reason a runtime failed, else a text line.
 * Nothing when log is NULL; failures are ignored (stderr has the message).
 */
void runtime_log_error(const char *log, const char *format, const char *msg);
