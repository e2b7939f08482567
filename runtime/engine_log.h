/* SPDX-License-Identifier: Apache-2.0 */
/* oci-idmap-runtime's lines in the log the engine reads. */
#pragma once

/*
 * Append msg to the runtime log the engine asked for (--log, --log-format):
 * a JSON line {"level":"error","msg":...,"time":...} for "json", where
 * containerd looks for the reason a runtime failed, else a text line.
 * Nothing when log is NULL; failures are ignored (stderr has the message).
 */
void engine_log_error(const char *log, const char *format, const char *msg);

/* The same at level "warning": what the wrapper did not do, the runtime ran. */
void engine_log_warning(const char *log, const char *format, const char *msg);
