/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by spec.c and spec_mounts.c only. */
#pragma once

#include "json.h"
#include "spec.h"

/* path itself if absolute, else "<bundle>/<path>" (nothing else normalised). */
int spec_resolve_path(const char *bundle, const char *path, char **ret, struct err *e);

/* The "mounts" array of the root object into s->mounts (freed by spec_free). */
int spec_parse_mounts(const json_value *root, const char *bundle, struct oci_spec *s,
		      struct err *e);
