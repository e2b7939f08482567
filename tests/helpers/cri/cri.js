// cri.js SPEC.json: run pods through a CRI runtime's socket the way the
// kubelet does, one pod with one container each, and write what each
// container printed.  Test-only (tests/e2e/63-kubernetes-cri.sh); its two
// npm packages are installed by the test into build/ (see package.json).
//
// SPEC: {
//   "socket": "/path/containerd.sock",
//   "image": "docker.io/oih/busybox:test",   (present on the node)
//   "cgroup_parent": "/oih-e2e-123",
//   "dir": "/path/out",   logs in DIR/logs/POD/, results DIR/POD.out, DIR/POD.rc
//   "pods": [{ "name": "idmap", "handler": "idmap" ("" = the node's default),
//              "user": [1000, 1000], "command": ["sh", "-c", "..."],
//              "mounts": [{ "container_path": "/data", "host_path": "/srv/v",
//                           "readonly": false }] }]
// }
// All pods at once; each: RunPodSandbox (host network, as a pod with hostNetwork: true),
// CreateContainer, StartContainer, ContainerStatus until it exited, its CRI
// log read back as `kubectl logs` shows it, StopPodSandbox, RemovePodSandbox.
// Prints "runtime_name runtime_version runtime_api_version" (Version), then
// one "POD exit=N" line per pod.  An RPC that fails is reported on stderr
// with its name; the pod is still stopped and removed; exit status 1.
"use strict";

const fs = require("fs");
const path = require("path");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const CALL_SECONDS = 60;
const EXIT_SECONDS = 60;
const READY_SECONDS = 30;
const NODE = 2; // NamespaceMode NODE
const CONTAINER = 1; // NamespaceMode CONTAINER
const CONTAINER_EXITED = 2;

function runtimeService(socket) {
	const def = protoLoader.loadSync(path.join(__dirname, "runtime_v1.proto"), {
		keepCase: true,
		longs: Number,
		enums: Number,
		defaults: true,
	});
	const api = grpc.loadPackageDefinition(def).runtime.v1;
	return new api.RuntimeService("unix://" + socket, grpc.credentials.createInsecure());
}

// call(client, "RunPodSandbox", request): the response, or throws an Error
// naming the RPC.
function call(client, rpc, request) {
	const deadline = new Date(Date.now() + CALL_SECONDS * 1000);
	return new Promise((resolve, reject) => {
		client[rpc](request, { deadline }, (err, response) => {
			if (err) reject(new Error(`${rpc}: ${err.details || err.message}`));
			else resolve(response);
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sandboxConfig(spec, pod) {
	const user = pod.user ? { value: pod.user[0] } : null;
	const group = pod.user ? { value: pod.user[1] } : null;
	return {
		metadata: { name: pod.name, uid: `oih-${pod.name}-${process.pid}`, namespace: "oih", attempt: 0 },
		log_directory: path.join(spec.dir, "logs", pod.name),
		linux: {
			cgroup_parent: spec.cgroup_parent,
			security_context: {
				namespace_options: { network: NODE, pid: CONTAINER, ipc: 0 },
				run_as_user: user,
				run_as_group: group,
			},
		},
	};
}

function containerConfig(spec, pod) {
	const user = pod.user ? { value: pod.user[0] } : null;
	const group = pod.user ? { value: pod.user[1] } : null;
	return {
		metadata: { name: "app", attempt: 0 },
		image: { image: spec.image },
		command: pod.command,
		mounts: (pod.mounts || []).map((m) => ({
			container_path: m.container_path,
			host_path: m.host_path,
			readonly: !!m.readonly,
		})),
		log_path: "app/0.log",
		linux: {
			security_context: {
				namespace_options: { network: NODE, pid: CONTAINER, ipc: 0 },
				run_as_user: user,
				run_as_group: group,
			},
		},
	};
}

// The CRI log ("TIME STREAM P|F TEXT" per line, P a partial line) as the
// container printed it, stdout and stderr in their order.
function readLog(file) {
	let text = "";
	for (const line of fs.readFileSync(file, "utf8").split("\n")) {
		const m = /^\S+ (stdout|stderr) ([PF])(?: (.*))?$/.exec(line);
		if (!m) continue;
		text += (m[3] || "") + (m[2] === "F" ? "\n" : "");
	}
	return text;
}

async function waitExited(client, id) {
	for (let i = 0; i < EXIT_SECONDS * 20; i++) {
		const { status } = await call(client, "ContainerStatus", { container_id: id });
		if (status.state === CONTAINER_EXITED) return status;
		await sleep(50);
	}
	throw new Error(`ContainerStatus: ${id} still running after ${EXIT_SECONDS} s`);
}

async function runPod(client, spec, pod) {
	const config = sandboxConfig(spec, pod);
	fs.mkdirSync(config.log_directory, { recursive: true });
	const { pod_sandbox_id: podId } = await call(client, "RunPodSandbox", {
		config,
		runtime_handler: pod.handler,
	});
	try {
		const { container_id: id } = await call(client, "CreateContainer", {
			pod_sandbox_id: podId,
			config: containerConfig(spec, pod),
			sandbox_config: config,
		});
		await call(client, "StartContainer", { container_id: id });
		const status = await waitExited(client, id);
		const out = readLog(path.join(config.log_directory, "app/0.log"));
		fs.writeFileSync(path.join(spec.dir, pod.name + ".out"), out);
		fs.writeFileSync(path.join(spec.dir, pod.name + ".rc"), `${status.exit_code}\n`);
		return status.exit_code;
	} finally {
		// As the kubelet ends a pod: stop it (its containers too), remove it.
		await call(client, "StopPodSandbox", { pod_sandbox_id: podId });
		await call(client, "RemovePodSandbox", { pod_sandbox_id: podId });
	}
}

// Version, as the kubelet first calls it; retried while the CRI plugin is
// still starting ("server is not initialized yet").
async function version(client) {
	for (let i = 0; ; i++) {
		try {
			return await call(client, "Version", { version: "v1" });
		} catch (e) {
			if (i >= READY_SECONDS * 10) throw e;
			await sleep(100);
		}
	}
}

async function main() {
	if (process.argv.length !== 3) {
		console.error("usage: cri.js SPEC.json");
		return 2;
	}
	const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
	const client = runtimeService(spec.socket);
	let rc = 0;
	try {
		const v = await version(client);
		console.log(`${v.runtime_name} ${v.runtime_version} ${v.runtime_api_version}`);
		// The pods at once, as the kubelet starts a node's pods.
		const results = await Promise.allSettled(spec.pods.map((pod) => runPod(client, spec, pod)));
		results.forEach((r, i) => {
			const name = spec.pods[i].name;
			if (r.status === "fulfilled") {
				console.log(`${name} exit=${r.value}`);
			} else {
				console.error(`cri.js: pod ${name}: ${r.reason.message}`);
				rc = 1;
			}
		});
	} catch (e) {
		console.error(`cri.js: ${e.message}`);
		rc = 1;
	} finally {
		client.close();
	}
	return rc;
}

main().then((rc) => process.exit(rc));
