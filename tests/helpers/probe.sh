#!/bin/sh
# A container command (sh) printing key=value lines about the volume at /data:
#   id       the container user, uid:gid
#   data     owner of /data;  hello: owner of /data/hello;  content: of hello
#   mnt      mount options of the topmost /data mount ("idmapped" shows there)
#   write    ok | fail:<error> for touch /data/new
#   new      owner of /data/new as seen inside (when the write succeeded)
# tests/lib.sh runs it as PROBE, tests/kernels/cases.sh in its guests.
echo "id=$(id -u):$(id -g)"
stat -c "data=%u:%g" /data
stat -c "hello=%u:%g" /data/hello
echo "content=$(cat /data/hello)"
echo "mnt=$(grep " /data " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)"
if err=$(touch /data/new 2>&1); then
	echo write=ok
	stat -c "new=%u:%g" /data/new
else
	echo "write=fail:${err##*: }"
fi
