// Request → acknowledgement round trips between two mos-connection processes on loopback: a
// newsroom system sending roCreate, a device answering roAck. Run by
// `cargo run --release --example mos_roundtrip --features mos-tcp,mos-ws` next to the osmos
// numbers, or alone: `node bench.js`.
'use strict'

const net = require('net')
const { fork } = require('child_process')

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
	if (args.length >= 1 && typeof args[0] === 'number' && typeof args[1] !== 'string') {
		return listen.call(this, args[0], '127.0.0.1', ...args.slice(1))
	}
	return listen.apply(this, args)
}

const { MosConnection, getMosTypes } = require('@mos-connection/connector')
const mosTypes = getMosTypes(false)
const str = (s) => mosTypes.mosString128.create(s)

function runningOrder(stories) {
	return {
		ID: str('RO'),
		Slug: str('Journal – édition'),
		Stories: Array.from({ length: stories }, (_, i) => ({
			ID: str(`S${i}`),
			Slug: str(`Météo ${i}`),
			Items: [{ ID: str(`I${i}`), ObjectID: str(`M${i}`), MOSID: 'device.mos' }],
		})),
	}
}

async function freePort() {
	return new Promise((resolve) => {
		const server = listen.call(net.createServer(), 0, '127.0.0.1', () => {
			const port = server.address().port
			server.close(() => resolve(port))
		})
	})
}

async function side(role, ports) {
	const conn = new MosConnection({
		mosID: role === 'ncs' ? 'newsroom.mos' : 'device.mos',
		acceptsConnections: true,
		profiles: { 0: true, 1: true, 2: true, 3: true, 4: true },
		isNCS: role === 'ncs',
		ports: role === 'ncs' ? ports.ncs : ports.device,
	})
	conn.on('error', () => {})
	conn.on('warning', () => {})
	await conn.init()
	const device = await conn.connect({
		primary: {
			id: role === 'ncs' ? 'device.mos' : 'newsroom.mos',
			host: '127.0.0.1',
			ports: role === 'ncs' ? ports.device : ports.ncs,
			timeout: 5000,
		},
	})
	return { conn, device }
}

async function connected(device) {
	while (!device.getConnectionStatus().PrimaryConnected) {
		await new Promise((r) => setTimeout(r, 50))
	}
}

async function main() {
	if (process.argv[2] === 'device') {
		const ports = JSON.parse(process.argv[3])
		const { device } = await side('device', ports)
		device.onCreateRunningOrder(async (ro) => ({ ID: ro.ID, Status: str('OK'), Stories: [] }))
		await connected(device)
		process.send('ready')
		return
	}
	const ports = {}
	for (const who of ['ncs', 'device']) {
		ports[who] = { lower: await freePort(), upper: await freePort(), query: await freePort() }
	}
	child = fork(__filename, ['device', JSON.stringify(ports)])
	const ready = new Promise((r) => child.once('message', r))
	const { conn, device } = await side('ncs', ports)
	await ready
	await connected(device)
	for (const [stories, count] of [
		[1, 2000],
		[200, 200],
	]) {
		const ro = runningOrder(stories)
		await device.sendCreateRunningOrder(ro)
		const started = process.hrtime.bigint()
		for (let i = 0; i < count; i++) await device.sendCreateRunningOrder(ro)
		const each = Number(process.hrtime.bigint() - started) / count / 1000
		console.log(`mos-connection: roCreate of ${stories} stories + roAck: ${each.toFixed(1)}µs per round trip, ${(1e6 / each).toFixed(0)} round trips/s`)
	}
	child.kill()
	await conn.dispose()
	process.exit(0)
}

// The device process, killed on failure too: left running it would hold the caller's output open.
let child = null

main().catch((e) => {
	console.error(e)
	child?.kill()
	process.exit(1)
})
