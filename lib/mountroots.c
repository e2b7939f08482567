/* SPDX-License-Identifier: Apache-2.0 */
#include "mountroots.h"

#include <stdlib.h>
#include <string.h>

/* (dev, the first len bytes of root) against an entry. */
static int compare_key(dev_t dev, const char *root, size_t len, const struct mountroot *r)
{
	size_t n = strlen(r->root), m = len < n ? len : n;
	int c;

	if (dev != r->dev)
		return dev < r->dev ? -1 : 1;
	c = memcmp(root, r->root, m);
	if (c)
		return c;
	return (len > n) - (len < n);
}

static int compare_refs(const void *a, const void *b)
{
	const struct mountroot *x = a;

	return compare_key(x->dev, x->root, strlen(x->root), b);
}

void mountroots_take(struct mountroots *x, struct mountroot *refs, size_t n)
{
	qsort(refs, n, sizeof(*refs), compare_refs);
	*x = (struct mountroots){.refs = refs, .n = n};
}

void mountroots_free(struct mountroots *x)
{
	free(x->refs);
	*x = (struct mountroots){0};
}

/* The first entry not below the key (dev, root[0..len)). */
static size_t lower_bound(const struct mountroots *x, dev_t dev, const char *root, size_t len)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (compare_key(dev, root, len, &x->refs[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t exact(const struct mountroots *x, dev_t dev, const char *root, size_t len)
{
	size_t i = lower_bound(x, dev, root, len);

	return i < x->n && compare_key(dev, root, len, &x->refs[i]) == 0 ? x->refs[i].k
									 : MOUNTROOTS_NONE;
}

/* An entry below root (root + "/..."): they sort together, right after it. */
static size_t descendant(const struct mountroots *x, dev_t dev, const char *root)
{
	size_t len = strlen(root), i;

	while (len > 0 && root[len - 1] == '/')
		len--; /* "/" and "/a/": the prefix "" and "/a" */
	i = lower_bound(x, dev, root, len);
	for (; i < x->n && x->refs[i].dev == dev; i++) {
		const char *r = x->refs[i].root;

		if (strncmp(r, root, len) != 0)
			break;
		if (r[len] == '/' && r[len + 1] != '\0')
			return x->refs[i].k;
	}
	return MOUNTROOTS_NONE;
}

size_t mountroots_overlap(const struct mountroots *x, dev_t dev, const char *root)
{
	size_t k;

	/* Itself and each ancestor: "/", "/a", "/a/b" of "/a/b". */
	if ((k = exact(x, dev, "/", 1)) != MOUNTROOTS_NONE)
		return k;
	for (const char *p = root + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			if ((k = exact(x, dev, root, (size_t)(p - root))) != MOUNTROOTS_NONE)
				return k;
		}
		if (*p == '\0')
			break;
	}
	return descendant(x, dev, root);
}
