/* SPDX-License-Identifier: Apache-2.0 */
#include "owner.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define NEVER "never handed to a container user"
#define SUBIDS_TAIL "handed only to a container whose user namespace maps it"

struct owner_rules owner_rules(const struct idmap *uid_ns, const struct idmap *gid_ns,
			       const struct hostinfo *host)
{
	struct owner_rules o = {0, 0, host->overflow_uid, host->overflow_gid, uid_ns, gid_ns};

	/* A namespace without container 0 has no root to protect but host 0. */
	if (uid_ns && !idmap_apply(uid_ns, 0, &o.root_uid))
		o.root_uid = 0;
	if (gid_ns && !idmap_apply(gid_ns, 0, &o.root_gid))
		o.root_gid = 0;
	return o;
}

/* Whose id this is when it is never handed over, as "root", "the container's
 * root (host uid 100000)", "root's group" ...; false when it may be. */
static bool is_protected(uint32_t id, bool gid, const struct owner_rules *o, char *buf, size_t size)
{
	const char *kind = gid ? "gid" : "uid";

	if (id == 0)
		snprintf(buf, size, gid ? "root's group" : "root");
	else if (id == (gid ? o->root_gid : o->root_uid))
		snprintf(buf, size, "the container's root%s (host %s %" PRIu32 ")",
			 gid ? "'s group" : "", kind, id);
	else if (id == (gid ? o->overflow_gid : o->overflow_uid))
		snprintf(buf, size,
			 "the overflow %s %" PRIu32 " (an id not mapped where the hook runs)", kind,
			 id);
	else
		return false;
	return true;
}

/* Say that the view's owner is who, and what follows from it (tail). */
static void say_owned(const struct owner_view *v, const struct owner_view *seen, const char *who,
		      const char *tail, char *why, size_t size)
{
	if (v->seen == OWNER_SEEN_SOURCE)
		snprintf(why, size, "source is owned by %s; %s", who, tail);
	else if (v->seen == OWNER_ON_DISK)
		snprintf(why, size,
			 "source is owned by %s on disk, seen as uid %" PRIu32
			 " through its idmap; %s",
			 who, seen->uid, tail);
	else
		snprintf(why, size,
			 "submount %s shows files of %s on disk as the owner's uid %" PRIu32 "; %s",
			 v->sub, who, seen->uid, tail);
}

/* Why a view's uid is never handed over; false when it may be. */
static bool is_root_owned(const struct owner_rules *o, const struct owner_view *v,
			  const struct owner_view *seen, char *why, size_t size)
{
	char who[96];

	if (!v->has_uid || !is_protected(v->uid, false, o, who, sizeof(who)))
		return false;
	say_owned(v, seen, who, NEVER, why, size);
	return true;
}

static void say_matches(const struct owner_view *v, char *why, size_t size)
{
	snprintf(why, size, "owner %" PRIu32 ":%" PRIu32 " already matches the container user",
		 v->uid, v->gid);
}

/* The container id that host id is, when the container's user namespace
 * maps it: an id the container's processes can hold.  Without a user
 * namespace the host's ids are the container's own. */
static bool held_in_container(const struct idmap *ns, uint32_t id, uint32_t *ret_id)
{
	*ret_id = id;
	return !ns || idmap_apply_inverse(ns, id, ret_id);
}

/* Would the swap's other way make a holder of the owner's id act as the
 * container's root on disk?  Host root needs no check here: such a
 * container user is never mapped (plan.c). */
static bool reverse_is_root(const struct owner_rules *o, const struct owner_view *v,
			    uint32_t host_uid, char *why, size_t size)
{
	uint32_t id;

	if (host_uid != o->root_uid || !o->uid_ns || !held_in_container(o->uid_ns, v->uid, &id))
		return false;
	snprintf(why, size,
		 "container user is the container's root (host uid %" PRIu32
		 ") and the owner, host uid %" PRIu32 ", is the container's uid %" PRIu32
		 ": that uid would act as the container's root on disk; never swapped",
		 host_uid, v->uid, id);
	return true;
}

bool owner_skip(const struct owner_rules *o, const struct owner_view *v, size_t n,
		uint32_t host_uid, uint32_t host_gid, char *why, size_t size)
{
	if (v[0].uid == host_uid && v[0].gid == host_gid) {
		say_matches(&v[0], why, size);
		return true;
	}
	if (reverse_is_root(o, &v[0], host_uid, why, size))
		return true;
	for (size_t i = 0; i < n; i++)
		if (is_root_owned(o, &v[i], &v[0], why, size))
			return true;
	return false;
}

/* Append " (on disk behind ...)" to why for a view that is not the source's. */
static void say_where(const struct owner_view *v, char *why, size_t size)
{
	size_t k = strlen(why);

	if (v->seen == OWNER_ON_DISK)
		snprintf(why + k, size - k, " (on disk behind the source's idmap)");
	else if (v->seen == OWNER_ON_DISK_SUB)
		snprintf(why + k, size - k, " (on disk behind submount %s)", v->sub);
}

/* A name plain enough to quote whole (what useradd accepts, mostly). */
static bool is_plain_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return s[n] == '\0' && n > 0 && n <= 32;
}

/* "501 (alice)", or "501" without a plain name. */
static const char *named(uint32_t id, const char *name, char *buf, size_t size)
{
	if (name && is_plain_name(name))
		snprintf(buf, size, "%" PRIu32 " (%s)", id, name);
	else
		snprintf(buf, size, "%" PRIu32, id);
	return buf;
}

/* Does the container's user namespace map host id (a gid when gid)?  An id
 * of the container itself, which the container can hold anyway. */
static bool is_containers(const struct owner_rules *o, bool gid, uint32_t id)
{
	const struct idmap *ns = gid ? o->gid_ns : o->uid_ns;
	uint32_t c;

	return ns && idmap_apply_inverse(ns, id, &c);
}

/* Is id (a gid when gid) of another user namespace: in a range of the host's
 * /etc/subuid (/etc/subgid) that the container's user namespace does not
 * map?  Then who says so ("uid 200000, a subordinate id of alice"), and
 * the file is named in tail, or why it cannot be told.  Reads the files at
 * the first question. */
static bool is_other_userns(const struct owner_rules *o, struct accounts *acc, bool gid,
			    uint32_t id, char *who, size_t size, char *tail, size_t tail_size)
{
	const char *file = gid ? "/etc/subgid" : "/etc/subuid", *kind = gid ? "gid" : "uid";
	const struct account_subids *r;
	char owner[64] = "";

	if (is_containers(o, gid, id))
		return false;
	if (accounts_read_subids(acc) < 0) {
		snprintf(who, size, "%s %" PRIu32 " (a subordinate id or not)", kind, id);
		snprintf(tail, tail_size, "the host's subordinate ids cannot be read: %.300s",
			 acc->subids_msg);
		return true;
	}
	if (!(r = accounts_subids_of(acc, gid, id)))
		return false;
	if (is_plain_name(r->owner))
		snprintf(owner, sizeof(owner), " of %s", r->owner);
	snprintf(who, size, "%s %" PRIu32 " (a subordinate id%s in %s)", kind, id, owner, file);
	snprintf(tail, tail_size, SUBIDS_TAIL);
	return true;
}

bool owner_skip_subids(const struct owner_rules *o, struct accounts *acc,
		       const struct owner_view *v, size_t n, char *why, size_t size)
{
	char who[128], tail[ERR_MSG_MAX];

	for (size_t i = 0; i < n; i++)
		if (v[i].has_uid && is_other_userns(o, acc, false, v[i].uid, who, sizeof(who), tail,
						    sizeof(tail))) {
			say_owned(&v[i], &v[0], who, tail, why, size);
			return true;
		}
	return false;
}

/* Is the owner uid in group gid on the host, or, with no account here, is
 * there no such group?  Why not in why. */
static bool is_owners_group(struct accounts *acc, uint32_t uid, uint32_t gid, char *why,
			    size_t size)
{
	char u[64], g[64], where[ERR_MSG_MAX];
	const char *group;

	if (accounts_read(acc) < 0) {
		snprintf(why, size, "the host's accounts cannot be read: %.300s", acc->msg);
		return false;
	}
	group = accounts_group_name(acc, gid);
	if (accounts_has_user(acc, uid)) {
		if (accounts_in_group(acc, uid, gid))
			return true;
		snprintf(why, size, "owner %s is not in group %s",
			 named(uid, accounts_user_name(acc, uid), u, sizeof(u)),
			 named(gid, group, g, sizeof(g)));
		return false;
	}
	if (group) {
		snprintf(why, size,
			 "owner %" PRIu32 " has no account here and the host has a group %s", uid,
			 named(gid, group, g, sizeof(g)));
		return false;
	}
	if (!accounts_group_may_exist(acc, gid, where, sizeof(where)))
		return true;
	snprintf(why, size,
		 "owner %" PRIu32 " has no account here and the host may have a group %" PRIu32
		 ": %.300s",
		 uid, gid, where);
	return false;
}

/* May the gid of one view go to the container user?  Why not in why. */
static bool may_take_group(const struct owner_rules *o, struct accounts *acc,
			   const struct owner_view *v, char *why, size_t size)
{
	char who[128], tail[ERR_MSG_MAX];

	if (!v->has_gid)
		return true; /* nothing there is seen with the owner's gid */
	if (is_protected(v->gid, true, o, who, sizeof(who)))
		snprintf(why, size, "%s is " NEVER, who);
	else if (is_other_userns(o, acc, true, v->gid, who, sizeof(who), tail, sizeof(tail)))
		snprintf(why, size, "%s: %.300s", who, tail);
	else if (!v->has_uid)
		snprintf(why, size, "no uid there is seen as the owner's");
	else if (is_owners_group(acc, v->uid, v->gid, why, size))
		return true;
	say_where(v, why, size);
	return false;
}

/* Does the gid of the owner v[0] go to the container user?  Why not in why
 * ("group 20 left: ..."). */
static bool may_swap_group(const struct owner_rules *o, struct accounts *acc,
			   const struct owner_view *v, size_t n, uint32_t host_gid, char *why,
			   size_t size)
{
	int len = snprintf(why, size, "group %" PRIu32 " left: ", v[0].gid);
	size_t k = len > 0 && (size_t)len < size ? (size_t)len : 0;
	uint32_t id;

	if (v[0].gid == host_gid)
		return false; /* nothing to swap, nothing to say */
	if (host_gid == 0) {
		snprintf(why + k, size - k, "the container user's own group is root's");
		return false;
	}
	/* The swap's other way (owner.h): a holder of the gid would act as
	 * the container root's group on disk. */
	if (host_gid == o->root_gid && held_in_container(o->gid_ns, v[0].gid, &id)) {
		snprintf(why + k, size - k,
			 "the container user's own group is the container root's (host gid %" PRIu32
			 ") and group %" PRIu32 " is the container's gid %" PRIu32
			 ", which would act as it on disk",
			 host_gid, v[0].gid, id);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!may_take_group(o, acc, &v[i], why + k, size - k))
			return false;
	return true;
}

bool owner_swap(const struct owner_rules *o, struct accounts *acc, const struct owner_view *v,
		size_t n, uint32_t host_uid, uint32_t host_gid, struct idmap *ret_uid_map,
		struct idmap *ret_gid_map, char *why, size_t size)
{
	char group[ERR_MSG_MAX] = "";
	bool swap_gid = may_swap_group(o, acc, v, n, host_gid, group, sizeof(group));
	bool left = !swap_gid && v[0].gid != host_gid;

	idmap_swap(v[0].uid, host_uid, ret_uid_map);
	idmap_swap(v[0].gid, swap_gid ? host_gid : v[0].gid, ret_gid_map);
	if (!idmap_is_identity(ret_uid_map) || !idmap_is_identity(ret_gid_map)) {
		snprintf(why, size, "%s", left ? group : "");
		return false;
	}
	if (left)
		snprintf(why, size,
			 "owner %" PRIu32 ":%" PRIu32
			 ": uid already matches the container user; %s",
			 v[0].uid, v[0].gid, group);
	else
		say_matches(&v[0], why, size);
	return true;
}
