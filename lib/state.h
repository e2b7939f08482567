/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI state a runtime writes to a hook's stdin, as a plain struct. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define STATE_ID_MAX 1024

struct oci_state {
	char *id;
	char *status; /* "creating", "created", "running", "stopped" */
	pid_t pid;    /* 0 when absent */
	char *bundle; /* absolute path */
};

/* Parse and validate a NUL-terminated state document. */
int state_parse(const char *json, struct oci_state *ret_state, struct err *e);
void state_free(struct oci_state *s);
