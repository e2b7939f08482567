/* SPDX-License-Identifier: Apache-2.0 */
#include "mapset.h"

#include <stdlib.h>

#include "cleanup.h"

/* The mappings some mount of the plan's trees is idmapped with. */
static bool *used_mappings(const struct plan *p)
{
	bool *used = calloc_array(p->n_mappings, sizeof(*used));

	for (size_t t = 0; used && t < p->n_trees; t++)
		for (size_t j = 0; j < p->trees[t].n; j++)
			if (p->trees[t].nodes[j].role == PLAN_ROLE_IDMAP)
				used[p->trees[t].nodes[j].mapping] = true;
	return used;
}

int mapset_open(const struct plan *p, struct mapset *ret_set)
{
	_cleanup_free_ bool *used = used_mappings(p);
	struct mapset s = {.n = p->n_mappings};

	s.fds = calloc_array(s.n, sizeof(*s.fds));
	s.errs = calloc_array(s.n, sizeof(*s.errs));
	s.holders = calloc_array(s.n, sizeof(*s.holders));
	if (!used || !s.fds || !s.errs || !s.holders) {
		mapset_free(&s);
		return -ENOMEM;
	}
	for (size_t k = 0; k < s.n; k++) {
		int fd = -EBADF, r;

		if (!used[k]) { /* a mapping of a volume that fell back */
			s.fds[k] = err_msg(&s.errs[k], ENOENT, "mapping %zu: not used", k);
			continue;
		}
		s.holders[s.n_holders] = USERNS_HOLDER_NONE;
		r = userns_open_held(&p->mappings[k].uid_map, &p->mappings[k].gid_map, &fd,
				     &s.holders[s.n_holders], &s.errs[k]);
		s.fds[k] = r < 0 ? r : fd;
		s.n_holders += r >= 0;
	}
	*ret_set = s;
	return 0;
}

int mapset_get(const struct mapset *s, size_t k, struct err *e)
{
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
	free(s->holders);
	*s = (struct mapset){0};
}
