/* SPDX-License-Identifier: Apache-2.0 */
/* spec_mounts.c's part of spec_parse(), for spec.c only. */
#pragma once

#include "json.h"
#include "spec.h"

/* The "mounts" array of the root object into s->mounts (freed by spec_free). */
int spec_parse_mounts(const json_value *root, const char *bundle, struct oci_spec *s,
		      struct err *e);
