/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner rule, stated once (plan.c applies it to every bind mount):
 *
 *   Through the hook, the container user acts as the volume's owner, and
 *   never as more.
 *
 * The container user's host ids are swapped with the owner's:
 *
 * - Never as root.  A volume whose owner uid is root on the host (0), the
 *   container's root (the host uid container 0 maps to; 0 without a user
 *   namespace) or the overflow uid (what an id not mapped where the hook
 *   runs reads as, so its real owner is unknown) is skipped whole, neither
 *   uid nor gid swapped.  This holds for the owner as the source shows it
 *   and for the ids on disk behind any idmap: an idmapped source's, and each
 *   idmapped submount's of an rbind volume (whose files a swap of the owner
 *   would hand over too).
 * - Never as another user namespace's ids.  An owner uid in a range of the
 *   host's /etc/subuid (the subordinate ids newuidmap, Docker's
 *   userns-remap, LXD or Podman hand to user namespaces: accounts.h) is
 *   handed only to a container whose own user namespace maps it (and never
 *   to that namespace's root, below).  To any other container it is the
 *   root, or a user, of another container, whose setuid file would run as
 *   that in every container of the range: the volume is skipped whole.  A
 *   gid in /etc/subgid likewise is left.  This holds on disk behind any
 *   idmap too, and when the files cannot be read.  Ranges listed nowhere
 *   (the kubelet allocates pod user namespaces itself) cannot be seen.
 * - Never in a group the owner is not in.  The gid is swapped only when the
 *   owner belongs to that group on the host: it is the primary group of an
 *   account with the owner's uid, or the group lists one of its names as a
 *   member (the host's account files, accounts.h).  An owner with no account
 *   on the host (a uid from another machine: a macOS volume, a VM share, an
 *   unpacked archive) gets its gid swapped only when the host has no group
 *   of that id either, and can have none: not in its files, and not where
 *   /etc/nsswitch.conf's group line looks beyond them (systemd's userdb
 *   records and its ranges of dynamic users, homed users and containers;
 *   any other source, such as sss or ldap, is not asked, so any gid may be
 *   a group there).  Never root's group, the container's root's or the
 *   overflow gid; never when the account files cannot be read.  Otherwise
 *   the gid is left: the container user has the owner's rights, and what it
 *   creates lands as the owner's uid with its own gid.  The same holds when
 *   the uid already matches and only the gid differs.
 * - Neither the other way.  Without a user namespace the swap runs both
 *   ways: whatever holds the owner's id in the container acts on disk as
 *   the container user's host id.  So a container user that is the
 *   container's root (under a user namespace; host root is skipped anyway)
 *   is never swapped with an owner the container can hold, one of its own
 *   ids (its processes would make files of the container's root on disk);
 *   a container user whose own group is root's (host 0 or the container
 *   root's) never gets such a gid swapped.  An owner the container cannot
 *   hold (a host user's 501, which its user namespace does not map) is
 *   swapped as ever.
 * - Never as the owner elsewhere.  What the container user makes through
 *   the mount is the owner's on disk, setuid bits and all; the idmapped
 *   mount is nosuid, but another mount of the same filesystem may not be.
 *   So a volume is skipped when the container reaches another mount (at or
 *   below its rootfs, not covered) of one of its filesystems (the same
 *   device) that will not be nosuid (not one the hook idmaps, not a
 *   read-only one config.json asks nosuid for) and whose root overlaps the
 *   root of one of the volume's mounts (an ancestor, the same, or a
 *   descendant: mountinfo's root field): a setuid file made in the volume
 *   would run there as the owner.  The reason names that mount
 *   (plan_suid.c).  A volume left is such a mount for others in turn.  On
 *   the host nothing can be held: a setuid file the container user makes
 *   runs as the owner from any host path that allows setuid.
 * - Through the mount, as none of the container's other ids.  Under a user
 *   namespace the mount's maps are owner-only (idmap_owner_only()): the
 *   owner's id is seen as the container user's host id, every other host id
 *   of the container's ranges is left unmapped (its files read as the
 *   overflow id; nothing is created or chowned as it: EOVERFLOW), and ids
 *   outside the ranges are seen as themselves (the container cannot name
 *   them).  So whatever capabilities the container has there (its root, a
 *   setuid binary of its image, CAP_CHOWN, CAP_FOWNER, CAP_FSETID), through
 *   the mount it acts on disk as the owner only: it cannot chown the owner's
 *   files to another of its ids, nor leave a setuid file of one on the
 *   host.  A gid left keeps the container user's own gid, and nothing else
 *   of its range.  The price: the container's other ids cannot write in the
 *   volume, even where a directory is world-writable.  Without a user
 *   namespace the swap stays a swap: a container user with capabilities in
 *   the initial namespace has them without the hook.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accounts.h"
#include "hostinfo.h"
#include "idmap.h"
#include "spec.h"

struct owner_rules {
	uint32_t root_uid, root_gid; /* the container's root on the host */
	uint32_t overflow_uid, overflow_gid;
	const struct idmap *uid_ns, *gid_ns; /* the container's, or NULL */
};

/* uid_ns/gid_ns: the container's user namespace maps, or NULL (kept: they
 * must outlive the rules). */
struct owner_rules owner_rules(const struct idmap *uid_ns, const struct idmap *gid_ns,
			       const struct hostinfo *host);

/* Where the owner is seen. */
enum owner_seen {
	OWNER_SEEN_SOURCE, /* as the source shows it: the ids that are swapped */
	OWNER_ON_DISK,	   /* behind the source's own idmap */
	OWNER_ON_DISK_SUB, /* behind an idmapped submount's */
};

/* One way the volume's owner is seen; the rule holds in each. */
struct owner_view {
	enum owner_seen seen;
	const char *sub;       /* OWNER_ON_DISK_SUB: the submount, as the container sees it */
	bool has_uid, has_gid; /* false: no id there is seen as the owner's */
	uint32_t uid, gid;
};

/*
 * Is the volume skipped whole, before anything else is looked at?  When its
 * owner (v[0], as the source shows it) already is the container user,
 * host_uid:host_gid on the host, when a view's uid is root, or when the
 * container user is the container's root and the owner one of its ids.  The
 * reason in why.  n >= 1.
 */
bool owner_skip(const struct owner_rules *o, const struct owner_view *v, size_t n,
		uint32_t host_uid, uint32_t host_gid, char *why, size_t size);

/*
 * Is the volume skipped for an owner of another user namespace?  When a
 * view's uid lies in a range of the host's /etc/subuid that the container's
 * user namespace does not map, or when the file cannot be read.  Reads it
 * at the first question (after owner_skip() and every cheaper skip).  The
 * reason in why.
 */
bool owner_skip_subids(const struct owner_rules *o, struct accounts *acc,
		       const struct owner_view *v, size_t n, char *why, size_t size);

/*
 * The swap of v[0] with the container user: the uid, and the gid when the
 * rule allows it.  The account files are read here, at the first gid in
 * question (never for a volume that owner_skip() skips).  Returns true when
 * nothing is left to swap, the reason in why; false with both maps filled
 * and, in why, why the group was left ("" when it was not).
 */
bool owner_swap(const struct owner_rules *o, struct accounts *acc, const struct owner_view *v,
		size_t n, uint32_t host_uid, uint32_t host_gid, struct idmap *ret_uid_map,
		struct idmap *ret_gid_map, char *why, size_t size);
