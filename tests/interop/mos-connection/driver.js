// Drives @mos-connection/connector against an osmos Session, for tests/mos_interop.rs.
//
//   node driver.js '{"role":"ncs","ourId":"ncs.js","peerId":"osmos.device",
//                    "listen":{"lower":…,"upper":…,"query":…},"peer":{"lower":…,"upper":…,"query":…}}'
//
// role "ncs": mos-connection is the newsroom system; "mos": it is the device. It listens on
// `listen` (127.0.0.1 only) and dials `peer` on 127.0.0.1. Commands come on stdin, one name a
// line ("roCreate", "status"…); each prints one JSON line on stdout: {"done":cmd,"ok":…,
// "data":…}. Whatever the osmos side sends is printed as {"recv":kind,"data":…} after the
// handler has answered it. Everything mos-connection types (strings, times, durations) is
// printed as plain JSON.
'use strict'

const net = require('net')
const readline = require('readline')

// mos-connection listens on all interfaces (listen(port)): keep it on loopback.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
	if (args.length >= 1 && typeof args[0] === 'number' && typeof args[1] !== 'string') {
		return listen.call(this, args[0], '127.0.0.1', ...args.slice(1))
	}
	return listen.apply(this, args)
}

const { MosConnection, getMosTypes } = require('@mos-connection/connector')

const opts = JSON.parse(process.argv[2])
const mosTypes = getMosTypes(false)
const str = (s) => mosTypes.mosString128.create(s)
const time = (s) => mosTypes.mosTime.create(s)

function plain(value) {
	return JSON.parse(
		JSON.stringify(value, (_key, v) => {
			if (v && typeof v === 'object') {
				if ('_mosString128' in v) return v._mosString128
				if ('_mosTime' in v) return new Date(v._mosTime).toISOString()
				if ('_mosDuration' in v) return v._mosDuration
			}
			return v
		})
	)
}

function out(line) {
	process.stdout.write(JSON.stringify(line) + '\n')
}

function received(kind, data) {
	out({ recv: kind, data: plain(data) })
}

// Handlers are given IDs as mosString128 or as plain strings, depending on the message.
const text = (v) => (v && typeof v === 'object' && '_mosString128' in v ? v._mosString128 : String(v))

const roAck = (id) => ({ ID: str(id), Status: str('OK'), Stories: [] })
const mosAck = (id) => ({ ID: str(id), Revision: 1, Status: 'ACK', Description: str('stored') })

function item(id) {
	return {
		ID: str(id),
		Slug: str(`Item ${id}`),
		ObjectID: str(`OBJ-${id}`),
		MOSID: opts.role === 'ncs' ? opts.peerId : opts.ourId,
		Duration: 250,
		TimeBase: 25,
	}
}

function story(id, items) {
	return { ID: str(id), Slug: str(`Story ${id} – ünïcode`), Number: str('A1'), Items: items.map(item) }
}

function runningOrder(id, slug) {
	return {
		ID: str(id),
		Slug: str(slug),
		EditorialStart: time('2026-12-07T20:00:00'),
		Stories: [story('S1', ['I1', 'I2']), story('S2', ['I3'])],
	}
}

function mosObject(id) {
	return {
		ID: str(id),
		Slug: str(`Clip ${id}`),
		Type: 'VIDEO',
		TimeBase: 25,
		Revision: 1,
		Duration: 1500,
		Status: 'NEW',
		AirStatus: 'READY',
		CreatedBy: str('jsdriver'),
		Created: time('2026-12-07T10:00:00'),
		ChangedBy: str('jsdriver'),
		Changed: time('2026-12-07T10:00:00'),
		Description: 'A clip',
	}
}

const machInfo = {
	manufacturer: str('mos-connection'),
	model: str('driver.js'),
	hwRev: str('1'),
	swRev: str('4.1.1'),
	DOM: str('2026-01-01'),
	SN: str('42'),
	ID: str(opts.ourId),
	time: time('2026-12-07T12:00:00'),
	mosRev: str('2.8.5'),
	supportedProfiles: {
		deviceType: opts.role === 'ncs' ? 'NCS' : 'MOS',
		profile0: true,
		profile1: true,
		profile2: true,
		profile3: true,
		profile4: true,
	},
}

let device = null

// What this side sends, by command name.
const commands = {
	status: async () => device.getConnectionStatus(),
	reqMachInfo: async () => device.requestMachineInfo(),
	roCreate: async () => device.sendCreateRunningOrder(runningOrder('RO1', 'Evening news')),
	roReplace: async () => device.sendReplaceRunningOrder(runningOrder('RO1', 'Evening news, replaced')),
	roDelete: async () => device.sendDeleteRunningOrder(str('RO1')),
	roMetadataReplace: async () => device.sendMetadataReplace({ ID: str('RO1'), Slug: str('Evening news, renamed') }),
	roStorySend: async () =>
		device.sendRunningOrderStory({
			RunningOrderId: str('RO1'),
			ID: str('S1'),
			Slug: str('Story S1'),
			Number: str('A1'),
			Body: [
				{ Type: 'p', Content: 'Good evening.' },
				{ Type: 'storyItem', Content: item('I1') },
			],
		}),
	roReadyToAir: async () => device.sendReadyToAir({ ID: str('RO1'), Status: 'READY' }),
	insertStories: async () =>
		device.sendROInsertStories({ RunningOrderID: str('RO1'), StoryID: str('S2') }, [story('S9', ['I9'])]),
	replaceStories: async () =>
		device.sendROReplaceStories({ RunningOrderID: str('RO1'), StoryID: str('S2') }, [story('S2', ['I8'])]),
	moveStories: async () =>
		device.sendROMoveStories({ RunningOrderID: str('RO1'), StoryID: str('S1') }, [str('S2')]),
	deleteStories: async () => device.sendRODeleteStories({ RunningOrderID: str('RO1') }, [str('S9')]),
	swapStories: async () => device.sendROSwapStories({ RunningOrderID: str('RO1') }, str('S1'), str('S2')),
	insertItems: async () =>
		device.sendROInsertItems({ RunningOrderID: str('RO1'), StoryID: str('S1'), ItemID: str('I2') }, [item('I7')]),
	replaceItems: async () =>
		device.sendROReplaceItems({ RunningOrderID: str('RO1'), StoryID: str('S1'), ItemID: str('I2') }, [item('I2')]),
	moveItems: async () =>
		device.sendROMoveItems({ RunningOrderID: str('RO1'), StoryID: str('S1'), ItemID: str('I1') }, [str('I2')]),
	deleteItems: async () =>
		device.sendRODeleteItems({ RunningOrderID: str('RO1'), StoryID: str('S1') }, [str('I7')]),
	swapItems: async () =>
		device.sendROSwapItems({ RunningOrderID: str('RO1'), StoryID: str('S1') }, str('I1'), str('I2')),
	mosReqObj: async () => device.sendRequestMOSObject(str('OBJ-1')),
	mosReqAll: async () => device.sendRequestAllMOSObjects(0),
	mosObjCreate: async () => device.sendObjectCreate(mosObject(undefined)),
	mosReqObjList: async () =>
		device.sendRequestObjectList({
			username: 'jdoe',
			queryID: str('Q1'),
			listReturnStart: 1,
			listReturnEnd: 10,
			generalSearch: str('weather'),
			mosSchema: 'http://example.com/schema.dtd',
			searchGroups: [{ searchFields: [{ XPath: '/mosObj[slug="x"]', sortByOrder: 1 }] }],
		}),
	roReq: async () => device.sendRequestRunningOrder(str('RO1')),
	mosObj: async () => device.sendMOSObject(mosObject('OBJ-7')),
	roElementStatRO: async () =>
		device.sendRunningOrderStatus({ ID: str('RO1'), Status: 'MANUAL CTRL', Time: time('2026-12-07T20:01:00') }),
	roElementStatStory: async () =>
		device.sendStoryStatus({ RunningOrderId: str('RO1'), ID: str('S1'), Status: 'PLAY', Time: time('2026-12-07T20:02:00') }),
	roElementStatItem: async () =>
		device.sendItemStatus({
			RunningOrderId: str('RO1'),
			StoryId: str('S1'),
			ID: str('I1'),
			ObjectId: str('OBJ-I1'),
			Channel: str('B'),
			Status: 'STOP',
			Time: time('2026-12-07T20:03:00'),
		}),
	mosItemReplace: async () => device.sendItemReplace({ roID: str('RO1'), storyID: str('S1'), item: item('I1') }),
	// Large enough to pass the osmos side's configured maximum.
	oversized: async () => {
		const ro = runningOrder('RO-BIG', 'x'.repeat(100))
		ro.Stories = Array.from({ length: 400 }, (_, i) => story(`S${i}`, [`I${i}`]))
		return device.sendCreateRunningOrder(ro)
	},
}

function handlers(device) {
	device.onRequestMachineInfo(async () => {
		received('reqMachInfo', {})
		return machInfo
	})
	device.onConnectionChange((status) => out({ connection: status }))
	device.onCreateRunningOrder(async (ro) => (received('roCreate', ro), roAck(text(ro.ID))))
	device.onReplaceRunningOrder(async (ro) => (received('roReplace', ro), roAck(text(ro.ID))))
	device.onDeleteRunningOrder(async (id) => (received('roDelete', { ID: id }), roAck(text(id))))
	device.onMetadataReplace(async (ro) => (received('roMetadataReplace', ro), roAck(text(ro.ID))))
	device.onRunningOrderStory(async (s) => (received('roStorySend', s), roAck(text(s.RunningOrderId))))
	device.onReadyToAir(async (a) => (received('roReadyToAir', a), roAck(text(a.ID))))
	device.onRequestRunningOrder(async (id) => {
		received('roReq', { ID: id })
		return runningOrder(text(id), 'Listed by mos-connection')
	})
	device.onRunningOrderStatus(async (s) => (received('roElementStat', { element: 'RO', ...s }), roAck(text(s.ID))))
	device.onStoryStatus(async (s) => (received('roElementStat', { element: 'STORY', ...s }), roAck(text(s.RunningOrderId))))
	device.onItemStatus(async (s) => (received('roElementStat', { element: 'ITEM', ...s }), roAck(text(s.RunningOrderId))))
	device.onItemReplace(async (roID, storyID, it) => {
		received('mosItemReplace', { roID, storyID, item: it })
		return roAck('RO1')
	})
	device.onMOSObjects(async (objs) => {
		received('mosObjects', objs)
		return mosAck(objs.length ? text(objs[0].ID) : '')
	})
	device.onRequestMOSObject(async (id) => (received('mosReqObj', { ID: id }), mosObject(id)))
	device.onRequestAllMOSObjects(async () => (received('mosReqAll', {}), [mosObject('OBJ-1'), mosObject('OBJ-2')]))
	device.onObjectCreate(async (obj) => (received('mosObjCreate', obj), mosAck('OBJ-NEW')))
	device.onRequestObjectList(async (req) => {
		received('mosReqObjList', req)
		return { username: req.username, queryID: '1', listReturnStart: 1, listReturnEnd: 1, listReturnTotal: 1, list: [mosObject('OBJ-Q')] }
	})
	const story = (name) => async (action, stories) => (received(name, { action, stories }), roAck(text(action.RunningOrderID)))
	device.onROInsertStories(story('insertStories'))
	device.onROReplaceStories(story('replaceStories'))
	device.onROMoveStories(story('moveStories'))
	device.onRODeleteStories(story('deleteStories'))
	device.onROInsertItems(story('insertItems'))
	device.onROReplaceItems(story('replaceItems'))
	device.onROMoveItems(story('moveItems'))
	device.onRODeleteItems(story('deleteItems'))
	device.onROSwapStories(async (action, a, b) => (received('swapStories', { action, a, b }), roAck(text(action.RunningOrderID))))
	device.onROSwapItems(async (action, a, b) => (received('swapItems', { action, a, b }), roAck(text(action.RunningOrderID))))
}

async function main() {
	const conn = new MosConnection({
		mosID: opts.ourId,
		acceptsConnections: true,
		profiles: { 0: true, 1: true, 2: true, 3: true, 4: true },
		isNCS: opts.role === 'ncs',
		debug: false,
		strict: false,
		ports: opts.listen,
	})
	conn.on('error', (e) => out({ error: String(e) }))
	conn.on('warning', (w) => out({ warning: String(w) }))
	await conn.init()
	device = await conn.connect({
		primary: {
			id: opts.peerId,
			host: '127.0.0.1',
			ports: opts.peer,
			timeout: opts.timeout || 2000,
			heartbeatInterval: opts.heartbeat || 500,
		},
	})
	handlers(device)
	out({ ready: true })
	const lines = readline.createInterface({ input: process.stdin })
	for await (const line of lines) {
		const cmd = line.trim()
		if (!cmd) continue
		if (cmd === 'exit') break
		const run = commands[cmd]
		if (!run) {
			out({ done: cmd, ok: false, error: 'unknown command' })
			continue
		}
		try {
			out({ done: cmd, ok: true, data: plain(await run()) })
		} catch (e) {
			out({ done: cmd, ok: false, error: String(e && e.message ? e.message : e) })
		}
	}
	await conn.dispose()
	process.exit(0)
}

main().catch((e) => {
	out({ fatal: String(e && e.stack ? e.stack : e) })
	process.exit(1)
})
