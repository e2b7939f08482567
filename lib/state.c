/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* A copy of a required string member; non_empty refuses "". */
static int copy_string(const json_value *root, const char *key, bool non_empty, char **ret,
		       struct err *e)
{
	const char *s;
	int r;

	r = json_get_string(root, "", key, JSON_REQUIRED, &s, e);
	if (r < 0)
		return r;
	if (non_empty && !*s)
		return err_msg(e, EINVAL, "%s: must not be empty", key);
	*ret = strdup(s);
	if (!*ret)
		return err_set(e, ENOMEM, "%s", key);
	return 0;
}

static int parse_fields(const json_value *root, struct oci_state *s, struct err *e)
{
	const char *version;
	int64_t pid = 0;
	int r;

	r = json_expect_object(root, "", e);
	if (r < 0)
		return err_wrap(e, "document");
	r = json_get_string(root, "", "ociVersion", JSON_REQUIRED, &version, e);
	if (r < 0)
		return r;
	r = copy_string(root, "id", true, &s->id, e);
	if (r < 0)
		return r;
	/* The id is echoed in every message: keep it to one readable line. */
	if (strlen(s->id) > STATE_ID_MAX || strpbrk(s->id, "\n\r"))
		return err_msg(e, EINVAL, "id: must be at most %d characters, without newlines",
			       STATE_ID_MAX);
	r = copy_string(root, "status", false, &s->status, e);
	if (r < 0)
		return r;
	r = copy_string(root, "bundle", true, &s->bundle, e);
	if (r < 0)
		return r;
	if (s->bundle[0] != '/')
		return err_msg(e, EINVAL, "bundle: must be an absolute path");
	r = json_get_int(root, "", "pid", JSON_OPTIONAL, 0, INT32_MAX, &pid, e);
	if (r < 0)
		return r;
	s->pid = (pid_t)pid;
	return 0;
}

int state_parse(const char *json, struct oci_state *ret_state, struct err *e)
{
	_cleanup_json_ json_value *root = NULL;
	struct oci_state s = {0};
	int r;

	if (json_is_blank(json))
		return err_msg(e, EINVAL,
			       "state: empty input (expected the OCI state JSON on stdin)");
	r = json_parse(json, &root, e);
	if (r >= 0)
		r = parse_fields(root, &s, e);
	if (r < 0) {
		state_free(&s);
		return err_wrap(e, "state");
	}
	*ret_state = s;
	return 0;
}

void state_free(struct oci_state *s)
{
	free(s->id);
	free(s->status);
	free(s->bundle);
	*s = (struct oci_state){0};
}
