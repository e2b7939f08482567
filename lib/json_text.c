/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text yajl parses, made from a document the way Go's encoding/json
 * (runc's decoder) reads it, so that what the hook reads is what the runtime
 * read (measured with runc 1.1.5 and crun 1.8.1 on tests/corpus):
 *
 *  - the first value only: runc's json.Decoder stops after it and never
 *    looks at what follows (crun refuses anything but whitespace there);
 *  - in a string, each byte that is not part of a UTF-8 character becomes
 *    U+FFFD, as Go decodes it (yajl would refuse the document; crun does);
 *  - a surrogate escape that pairs with nothing becomes "\ufffd", as Go
 *    decodes it (yajl would make a '?' or a lone surrogate of it);
 *  - "\u0000" becomes "\udc00", which yajl turns into JSON_NUL_MARK: a C
 *    string cannot hold the NUL, and after the rule above no other input
 *    makes that mark.
 *
 * What yajl accepts and Go does not is refused here: comments and nesting
 * deeper than JSON_MAX_DEPTH.
 */
#include "json_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT_UTF8 "\xef\xbf\xbd" /* U+FFFD */
#define REPLACEMENT_ESCAPE "\\ufffd"
#define NUL_ESCAPE "\\udc00" /* becomes JSON_NUL_MARK */
#define ESCAPE_LEN 6	     /* "\uXXXX" */

/* One pass over the first value: with out NULL it only measures. */
struct walk {
	char *out;
	size_t n_out;
	size_t replaced; /* bytes or escapes replaced by U+FFFD */
	size_t nuls;	 /* "\u0000" escapes */
};

static void put(struct walk *w, const char *s, size_t n)
{
	if (w->out)
		memcpy(w->out + w->n_out, s, n);
	w->n_out += n;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code unit of "XXXX" at p, or -1 when p does not hold four hex digits. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex_digit(p[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

static bool is_high_surrogate(long u)
{
	return u >= 0xd800 && u <= 0xdbff;
}

static bool is_low_surrogate(long u)
{
	return u >= 0xdc00 && u <= 0xdfff;
}

/* An escape at p (a backslash in a string): written as Go decodes it.
 * Returns the number of input bytes it takes. */
static size_t walk_escape(const char *p, struct walk *w)
{
	long u = p[1] == 'u' ? hex4(p + 2) : -1;

	if (p[1] == '\0') {
		put(w, p, 1); /* yajl says what is wrong */
		return 1;
	}
	if (u < 0) {
		put(w, p, 2);
		return 2;
	}
	if (u == 0) {
		put(w, NUL_ESCAPE, ESCAPE_LEN);
		w->nuls++;
		return ESCAPE_LEN;
	}
	if (is_high_surrogate(u) && p[6] == '\\' && p[7] == 'u' && is_low_surrogate(hex4(p + 8))) {
		put(w, p, 2 * ESCAPE_LEN);
		return 2 * ESCAPE_LEN;
	}
	if (is_high_surrogate(u) || is_low_surrogate(u)) {
		put(w, REPLACEMENT_ESCAPE, ESCAPE_LEN);
		w->replaced++;
		return ESCAPE_LEN;
	}
	put(w, p, ESCAPE_LEN);
	return ESCAPE_LEN;
}

static bool is_continuation(const unsigned char *u, int i)
{
	return (u[i] & 0xc0) == 0x80;
}

/* The length of the UTF-8 character at p as Go's utf8.DecodeRune accepts
 * it (shortest form, no surrogates, at most U+10FFFF), 0 when it is none. */
static size_t utf8_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (u[0] == 0xe0)
		lo = 0xa0;
	else if (u[0] == 0xed)
		hi = 0x9f;
	else if (u[0] == 0xf0)
		lo = 0x90;
	else if (u[0] == 0xf4)
		hi = 0x8f;
	if (u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (!is_continuation(u, (int)i))
			return 0;
	return n;
}

/* A byte of a string at p other than an escape: returns the bytes taken. */
static size_t walk_string_byte(const char *p, struct walk *w)
{
	size_t n;

	if ((unsigned char)*p < 0x80) {
		put(w, p, 1);
		return 1;
	}
	n = utf8_len(p);
	if (n > 0) {
		put(w, p, n);
		return n;
	}
	put(w, REPLACEMENT_UTF8, sizeof(REPLACEMENT_UTF8) - 1);
	w->replaced++;
	return 1;
}

/* Walk the first value of text; *ret_end: where it ends (the length of
 * text when it is not an object or an array: yajl judges the rest). */
static int walk_value(const char *text, struct walk *w, size_t *ret_end, struct err *e)
{
	const char *p = text;
	bool in_string = false;
	unsigned depth = 0;

	while (*p) {
		if (in_string && *p == '\\') {
			p += walk_escape(p, w);
			continue;
		}
		if (in_string && *p != '"') {
			p += walk_string_byte(p, w);
			continue;
		}
		put(w, p, 1);
		if (*p == '"') {
			in_string = !in_string;
		} else if (*p == '{' || *p == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return err_msg(e, EINVAL, "nesting deeper than %d levels",
					       JSON_MAX_DEPTH);
		} else if (*p == '}' || *p == ']') {
			if (depth > 0 && --depth == 0) {
				p++;
				break;
			}
		} else if (*p == '/') {
			return err_msg(e, EINVAL, "comments are not allowed in JSON");
		}
		p++;
	}
	*ret_end = (size_t)(p - text);
	return 0;
}

int json_text_prepare(const char *text, struct json_text *ret, struct err *e)
{
	struct walk w = {0};
	size_t end = 0;
	int r;

	*ret = (struct json_text){0};
	r = walk_value(text, &w, &end, e);
	if (r < 0)
		return r;
	ret->end = end;
	ret->replaced = w.replaced;
	/* As it is, when yajl reads it as Go does: nothing to replace, no NUL
	 * (the measuring pass wrote "\udc00" for it: same length), and only
	 * whitespace after the value. */
	if (!w.replaced && !w.nuls && json_is_blank(text + end))
		return 0;
	w = (struct walk){.out = malloc(w.n_out + 1)};
	if (!w.out)
		return err_set(e, ENOMEM, "parse");
	(void)walk_value(text, &w, &end, e);
	w.out[w.n_out] = '\0';
	ret->copy = w.out;
	return 0;
}

bool json_is_blank(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return *text == '\0';
}
