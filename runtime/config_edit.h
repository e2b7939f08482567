/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rewrite a config.json to carry one more OCI hook, keeping everything else
 * as every runtime reads it: every member in its order (a key given twice
 * too), numbers as their original text, strings as they were (re-escaped
 * where JSON needs it; a "\u0000" stays one), and whatever follows the
 * document (runc ignores it, crun refuses it) as it was, up to a NUL byte;
 * the document itself comes out compact, without the original's whitespace.
 * The input is parsed once, as every JSON document we read (json_parse()),
 * and the text is written from that tree.  A document with a string the
 * tree does not hold as written (bytes that are not UTF-8, a surrogate
 * escape that pairs with nothing: runc and crun read those differently) is
 * not rewritten (-EINVAL).
 */
#pragma once

#include <stddef.h>

#include "err.h"

struct config_hook {
	const char *path;	 /* absolute path of the hook binary */
	const char *const *args; /* its argv, NULL-terminated; may be NULL */
};

/*
 * Append hook to hooks.<stage> of the config text unless an entry of that
 * stage already has hook->path.  Returns 1 and a new NUL-terminated text in
 * ret_text/ret_len (free() it) when the hook was added, 0 (ret_* untouched)
 * when it was already there, -EINVAL with a message naming the JSON path when
 * the text is not a config the hook can be added to (e.g.
 * "hooks.createRuntime: must be an array"), -ENOMEM.
 */
int config_edit_add_hook(const char *text, const char *stage, const struct config_hook *hook,
			 char **ret_text, size_t *ret_len, struct err *e);
