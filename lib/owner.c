/* SPDX-License-Identifier: Apache-2.0 */
#include "owner.h"

#include <inttypes.h>
#include <stdio.h>

struct owner_rules owner_rules(const struct id_map *uid_ns, const struct id_map *gid_ns,
			       const struct hostinfo *host)
{
	struct owner_rules o = {0, 0, host->overflow_uid, host->overflow_gid};

	/* A namespace without container 0 has no root to protect but host 0. */
	if (uid_ns && !idmap_to_host(uid_ns, 0, &o.root_uid))
		o.root_uid = 0;
	if (gid_ns && !idmap_to_host(gid_ns, 0, &o.root_gid))
		o.root_gid = 0;
	return o;
}

/* Why id may not be swapped, as "root", "the container's root (host uid
 * 100000)" ...; false when it may be. */
static bool is_protected(uint32_t id, uint32_t root, uint32_t overflow, const char *kind, char *buf,
			 size_t size)
{
	if (id == 0)
		snprintf(buf, size, "root");
	else if (id == root)
		snprintf(buf, size, "the container's root (host %s %" PRIu32 ")", kind, id);
	else if (id == overflow)
		snprintf(buf, size,
			 "the overflow %s %" PRIu32 " (an id not mapped where the hook runs)", kind,
			 id);
	else
		return false;
	return true;
}

bool owner_decide(const struct owner_rules *o, uint32_t uid, uint32_t gid, uint32_t host_uid,
		  uint32_t host_gid, struct idmap *ret_uid_map, struct idmap *ret_gid_map,
		  char *why, size_t size)
{
	char why_uid[96], why_gid[96];
	bool keep_uid =
	    is_protected(uid, o->root_uid, o->overflow_uid, "uid", why_uid, sizeof(why_uid));
	bool keep_gid =
	    is_protected(gid, o->root_gid, o->overflow_gid, "gid", why_gid, sizeof(why_gid));

	idmap_swap(uid, keep_uid ? uid : host_uid, ret_uid_map);
	/* The container user's own group being root's: nothing to swap either. */
	idmap_swap(gid, keep_gid || host_gid == 0 ? gid : host_gid, ret_gid_map);
	why[0] = '\0';
	if (idmap_is_identity(ret_uid_map) && idmap_is_identity(ret_gid_map)) {
		if (keep_uid && uid != host_uid)
			snprintf(why, size,
				 "source is owned by %s; never handed to a container user",
				 why_uid);
		else
			snprintf(why, size,
				 "owner %" PRIu32 ":%" PRIu32 " already matches the container user",
				 uid, gid);
		return true;
	}
	if (keep_uid)
		snprintf(why, size, "owner %s left unmapped", why_uid);
	else if (keep_gid && gid != 0)
		snprintf(why, size, "group %s left unmapped", why_gid);
	else if (keep_gid || host_gid == 0)
		snprintf(why, size, "group 0 (root) left unmapped");
	return false;
}
