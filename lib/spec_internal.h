/* SPDX-License-Identifier: Apache-2.0 */
/* spec_mounts.c's and spec_paths.c's parts of spec_parse(), for spec.c only. */
#pragma once

#include "json.h"
#include "spec.h"

/* The "mounts" array of the root object into s->mounts (freed by spec_free). */
int spec_parse_mounts(const json_value *root, const char *bundle, struct oci_spec *s,
		      struct err *e);

/* linux.readonlyPaths of lx (the "linux" object) into s (spec_paths.c). */
int spec_parse_readonly_paths(const json_value *lx, struct oci_spec *s, struct err *e);
