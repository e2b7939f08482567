/* SPDX-License-Identifier: Apache-2.0 */
#include "mounttree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

static int compare_parents(const void *a, const void *b, void *table)
{
	const struct mount_table *t = table;
	int x = t->entries[*(const size_t *)a].parent_id;
	int y = t->entries[*(const size_t *)b].parent_id;

	return (x > y) - (x < y);
}

int mounttree_build(const struct mount_table *t, struct mount_tree *ret_tree)
{
	size_t *by_parent = calloc_array(t->n, sizeof(*by_parent));

	if (!by_parent)
		return -ENOMEM;
	for (size_t k = 0; k < t->n; k++)
		by_parent[k] = k;
	qsort_r(by_parent, t->n, sizeof(*by_parent), compare_parents, (void *)t);
	*ret_tree = (struct mount_tree){.table = t, .by_parent = by_parent};
	return 0;
}

void mounttree_free(struct mount_tree *mt)
{
	free(mt->by_parent);
	mt->by_parent = NULL;
}

size_t mounttree_index_of(const struct mount_tree *mt, uint64_t id)
{
	const struct mount_entry *me = mountinfo_find(mt->table, (int)id);

	return me ? (size_t)(me - mt->table->entries) : MOUNTTREE_NONE;
}

void mounttree_children(const struct mount_tree *mt, size_t k, size_t *ret_first, size_t *ret_end)
{
	const struct mount_table *t = mt->table;
	int id = t->entries[k].id;
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->entries[mt->by_parent[mid]].parent_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_first = lo;
	while (lo < t->n && t->entries[mt->by_parent[lo]].parent_id == id)
		lo++;
	*ret_end = lo;
}

bool mounttree_is_covered(const struct mount_tree *mt, size_t k)
{
	const struct mount_entry *m = &mt->table->entries[k];
	size_t first, end;

	mounttree_children(mt, k, &first, &end);
	/* A mount listed as its own parent is one of its children. */
	for (size_t j = first; j < end; j++)
		if (mt->by_parent[j] != k &&
		    strcmp(mt->table->entries[mt->by_parent[j]].target, m->target) == 0)
			return true;
	return false;
}

const struct mount_entry *mounttree_find_target(const struct mount_tree *mt, const char *target)
{
	for (size_t k = 0; k < mt->table->n; k++) {
		const struct mount_entry *m = &mt->table->entries[k];

		if (strcmp(m->target, target) == 0 && !mounttree_is_covered(mt, k))
			return m;
	}
	return NULL;
}

int mounttree_relative(const char *parent, const char *child, const char **ret)
{
	size_t n = strlen(parent);

	if (strcmp(parent, "/") == 0 && child[0] == '/')
		n = 0;
	else if (strncmp(child, parent, n) != 0 || (child[n] != '/' && child[n] != '\0'))
		return -EINVAL;
	*ret = child[n] == '/' ? child + n + 1 : child + n;
	return 0;
}

int mounttree_in_root(const char *root, const char *target, const char **ret_rel)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n == 1 && root[0] == '/')
		n = 0;
	else if (strncmp(target, root, n) != 0 || (target[n] != '/' && target[n] != '\0'))
		return -EINVAL;
	while (target[n] == '/')
		n++;
	*ret_rel = target + n;
	return 0;
}
