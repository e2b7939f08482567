/* SPDX-License-Identifier: Apache-2.0 */
#include "mapset.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* Room for n mappings (the plan's mappings only grow); -ENOMEM. */
static int mapset_grow(struct mapset *s, size_t n)
{
	int *fds;
	struct err *errs;
	bool *made;
	struct userns_holder *holders;

	if (n <= s->n)
		return 0;
	if ((fds = reallocarray(s->fds, n, sizeof(*fds))))
		s->fds = fds;
	if ((errs = reallocarray(s->errs, n, sizeof(*errs))))
		s->errs = errs;
	if ((made = reallocarray(s->made, n, sizeof(*made))))
		s->made = made;
	if ((holders = reallocarray(s->holders, n, sizeof(*holders))))
		s->holders = holders;
	if (!fds || !errs || !made || !holders)
		return -ENOMEM;
	for (size_t k = s->n; k < n; k++) {
		s->made[k] = false;
		s->fds[k] = err_msg(&s->errs[k], ENOENT, "mapping %zu: not made", k);
	}
	s->n = n;
	return 0;
}

int mapset_make(struct mapset *s, const struct plan *p, size_t k)
{
	int fd = -EBADF, r;

	if (mapset_grow(s, p->n_mappings) < 0)
		return -ENOMEM;
	if (s->made[k])
		return 0;
	s->made[k] = true;
	s->holders[s->n_holders] = USERNS_HOLDER_NONE;
	r = userns_open_held(&p->mappings[k].uid_map, &p->mappings[k].gid_map, &fd,
			     &s->holders[s->n_holders], &s->errs[k]);
	s->fds[k] = r < 0 ? r : fd;
	s->n_holders += r >= 0;
	return 0;
}

int mapset_open(const struct plan *p, struct mapset *s)
{
	int r = mapset_grow(s, p->n_mappings);

	for (size_t t = 0; t < p->n_trees && r >= 0; t++)
		for (size_t j = 0; j < p->trees[t].n && r >= 0; j++)
			if (p->trees[t].nodes[j].role == PLAN_ROLE_IDMAP)
				r = mapset_make(s, p, p->trees[t].nodes[j].mapping);
	return r;
}

int mapset_get(const struct mapset *s, size_t k, struct err *e)
{
	if (k >= s->n) /* cannot be: mapset_open made room for every mapping */
		return err_msg(e, ENOENT, "mapping %zu: not made", k);
	if (s->fds[k] < 0)
		*e = s->errs[k];
	return s->fds[k];
}

void mapset_free(struct mapset *s)
{
	for (size_t i = 0; s->holders && i < s->n_holders; i++)
		userns_holder_freep(&s->holders[i]);
	for (size_t k = 0; s->fds && k < s->n; k++)
		close_fdp(&s->fds[k]);
	free(s->fds);
	free(s->errs);
	free(s->made);
	free(s->holders);
	*s = (struct mapset){0};
}
