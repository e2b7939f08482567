#!/bin/bash
# The JSON Schemas under schemas/ describe what users write and what the hook
# prints: every example under examples/ validates (hooks.d descriptors, also
# *.json.in templates with their @PLACEHOLDERS@ filled, against
# hooks-descriptor.schema.json; bundle config.json files against
# config.schema.json), and so do the test fixtures, `runc spec`, and the
# plan the hook prints for each example bundle, and what status prints for
# this shell.  Each schema also rejects a document with a known mistake, so
# a schema that accepts anything fails.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
"$PY" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"

S=$REPO/schemas
V=$REPO/tests/schema/validate.py

# valid SCHEMA FILE...
valid() {
	local why
	why=$("$PY" "$V" "$S/$1" "${@:2}") || fail "not valid against $1: $why"
}

# invalid SCHEMA WHAT JSON: the schema must reject JSON.
invalid() {
	printf '%s' "$3" >"$TEST_TMP/bad.json"
	"$PY" "$V" "$S/$1" "$TEST_TMP/bad.json" >/dev/null && fail "$1 accepts $2: $3"
	[ $? = 1 ] || fail "validate.py failed on $1 ($2)"
}

mapfile -t descriptors < <(cd "$REPO" && find examples \( -path '*/hooks.d/*.json' -o -name '*.hook.json' \) -type f | sort)
mapfile -t templates < <(cd "$REPO" && find examples \( -path '*/hooks.d/*.json.in' -o -name '*.hook.json.in' \) -type f | sort)
mapfile -t configs < <(cd "$REPO" && find examples -name config.json -type f | sort)
[ ${#descriptors[@]} -gt 0 ] || fail "no hooks.d descriptor (*.json) found under examples/"
[ ${#configs[@]} -gt 0 ] || fail "no bundle config.json found under examples/"

for f in "${descriptors[@]}"; do
	valid hooks-descriptor.schema.json "$REPO/$f"
done
for f in "${templates[@]}"; do
	out=$TEST_TMP/$(basename "$f" .in)
	sed 's/@[A-Za-z_]*@/\/usr\/libexec\/oci\/hooks.d\/placeholder/g' "$REPO/$f" >"$out"
	valid hooks-descriptor.schema.json "$out"
done
for f in "${configs[@]}"; do
	valid config.schema.json "$REPO/$f"
done
echo "validated ${#descriptors[@]} descriptor(s), ${#templates[@]} template(s), ${#configs[@]} config(s)"

valid config.schema.json "$REPO"/tests/fixtures/config-*.json
valid state.schema.json "$REPO"/tests/fixtures/state-*.json
if command -v runc >/dev/null; then
	(cd "$TEST_TMP" && runc spec) || fail "runc spec"
	valid config.schema.json "$TEST_TMP/config.json"
fi

# What status prints for this shell (no container needed; a container's is
# validated in tests/e2e/24-status-*).
if [ -x "$HOOK" ] && [ "$(id -u)" = 0 ]; then
	"$HOOK" status --json $$ >"$TEST_TMP/status.json" || fail "status $$: exit $?"
	valid status.schema.json "$TEST_TMP/status.json"
fi

# The plan the hook prints for each example bundle.
if [ -x "$HOOK" ]; then
	for f in "${configs[@]}"; do
		"$HOOK" plan --json --bundle "$REPO/$(dirname "$f")" >"$TEST_TMP/plan.json" ||
			fail "plan --bundle $(dirname "$f"): exit $?"
		valid plan.schema.json "$TEST_TMP/plan.json"
	done
fi

invalid hooks-descriptor.schema.json "another version" \
	'{"version":"2.0.0","hook":{"path":"/h"},"when":{"always":true},"stages":["prestart"]}'
invalid hooks-descriptor.schema.json "an unknown stage" \
	'{"version":"1.0.0","hook":{"path":"/h"},"when":{"always":true},"stages":["createruntime"]}'
invalid hooks-descriptor.schema.json "an empty when" \
	'{"version":"1.0.0","hook":{"path":"/h"},"when":{},"stages":["prestart"]}'
invalid hooks-descriptor.schema.json "a relative hook path" \
	'{"version":"1.0.0","hook":{"path":"h"},"when":{"always":true},"stages":["prestart"]}'
invalid config.schema.json "a negative uid" '{"root":{"path":"r"},"process":{"user":{"uid":-1}}}'
invalid config.schema.json "uid 4294967295" '{"root":{"path":"r"},"process":{"user":{"uid":4294967295}}}'
invalid config.schema.json "a mount without destination" '{"root":{"path":"r"},"mounts":[{"source":"/x"}]}'
invalid config.schema.json "an empty bind source" \
	'{"root":{"path":"r"},"mounts":[{"destination":"/d","source":"","options":["rbind"]}]}'
invalid config.schema.json "no root" '{"mounts":[]}'
invalid state.schema.json "a relative bundle" '{"ociVersion":"1.0.2","id":"c","status":"creating","bundle":"b"}'
invalid state.schema.json "no id" '{"ociVersion":"1.0.2","status":"creating","bundle":"/b"}'
plan_head='{"id":null,"bundle":"/b","container":{"user":{"uid":1,"gid":1},"userns":false,"host_user":null},"mounts":'
m='"destination":"/d","source":"/s","type":"bind","bind":true,"owner":{"uid":2,"gid":2}'
valid plan.schema.json <(printf '%s' "$plan_head"'[{'"$m"',"action":"skip","reason":"why"}]}')
invalid plan.schema.json "an idmap without maps" "$plan_head"'[{'"$m"',"action":"idmap"}]}'
invalid plan.schema.json "a skip without reason" "$plan_head"'[{'"$m"',"action":"skip"}]}'
invalid plan.schema.json "a skip with maps" \
	"$plan_head"'[{'"$m"',"action":"skip","reason":"r","uid_map":[[0,0,1]],"gid_map":[[0,0,1]]}]}'
invalid plan.schema.json "an extent of two numbers" \
	"$plan_head"'[{'"$m"',"action":"idmap","uid_map":[[0,0]],"gid_map":[[0,0,1]]}]}'
maps='"uid_map":[[0,0,1]],"gid_map":[[0,0,1]]'
node='"flags":["ro"],"added":[],"atime":"keep","propagation":"private","clone":"whole"'
valid plan.schema.json <(printf '%s' "$plan_head"'[{'"$m"',"action":"idmap",'"$maps"',"tree":[{"path":"/d","role":"idmap",'"$maps"',"composed":false,'"$node"'},{"path":"/d/k","role":"keep",'"$node"'}]}]}')
invalid plan.schema.json "a kept tree mount with maps" \
	"$plan_head"'[{'"$m"',"action":"idmap",'"$maps"',"tree":[{"path":"/d","role":"keep",'"$maps"','"$node"'}]}]}'
invalid plan.schema.json "a tree mount with an unknown flag" \
	"$plan_head"'[{'"$m"',"action":"idmap",'"$maps"',"tree":[{"path":"/d","role":"keep","flags":["rw"],"added":[],"atime":"keep","propagation":"private","clone":"whole"}]}]}'
invalid plan.schema.json "a skip with a tree" \
	"$plan_head"'[{'"$m"',"action":"skip","reason":"r","tree":[{"path":"/d","role":"keep",'"$node"'}]}]}'
st_head='{"pid":7,"maps_reported":true,"mounts":'
sm='"id":30,"parent_id":1,"destination":"/data","source":"/dev/vda","root":"/srv/v","fstype":"ext4","covered":false'
valid status.schema.json <(printf '%s' "$st_head"'[{'"$sm"',"idmapped":true,"uid_map":[[0,0,1]],"gid_map":null}]}')
invalid status.schema.json "an idmapped mount without maps" "$st_head"'[{'"$sm"',"idmapped":true}]}'
invalid status.schema.json "maps on a mount not idmapped" \
	"$st_head"'[{'"$sm"',"idmapped":false,"uid_map":[[0,0,1]],"gid_map":[[0,0,1]]}]}'
invalid status.schema.json "an extent of two numbers" \
	"$st_head"'[{'"$sm"',"idmapped":true,"uid_map":[[0,0]],"gid_map":[[0,0,1]]}]}'
invalid status.schema.json "pid 0" '{"pid":0,"maps_reported":true,"mounts":[]}'
exit 0
