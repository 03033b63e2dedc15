//! osmos sessions against the MOS library most newsroom integrators use, npm's
//! `@mos-connection/connector` (pinned in `tests/interop/mos-connection/package.json`), in
//! both roles over TCP on loopback. Each exchange is checked on both sides: what osmos
//! received (fields and values) and what mos-connection's handlers or callers were given.
//! Skipped without node or `npm ci`; a failure under `.ci/run`.
#![cfg(feature = "mos-tcp")]

#[path = "support/mos_net.rs"]
mod mos_net;

#[path = "support/mos_connection.rs"]
mod mos_connection;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mos_connection::{available, Driver, JsRole};
use mos_net::message;
use osmos::mos::messages::{Mos, MosMessage};
use osmos::mos::net::{Channel, Config, Error, Event, Incoming, Ports, Role, Session, SessionConfig};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::timeout;

fn free_ports() -> Ports {
    let port = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    Ports::new(port(), port(), port())
}

/// What the osmos application saw.
#[derive(Debug)]
enum Seen {
    Message(Channel, Box<Mos<'static>>),
    Error(Channel, Error),
    WrongIds(String, String),
}

/// The osmos side: a session whose application answers every request the way a device or
/// newsroom system would, and reports what it saw.
async fn osmos(
    role: Role,
    config: Config,
    ours: Ports,
    theirs: Ports,
) -> (Arc<Session>, mpsc::UnboundedReceiver<Seen>) {
    let config =
        SessionConfig::new(config.ack_timeout(Duration::from_secs(3)).max_message_size(64 * 1024), role, "127.0.0.1")
            .listen("127.0.0.1", ours)
            .peer_ports(theirs)
            .heartbeats(Duration::from_millis(300), 3)
            .redial(Duration::from_millis(50), Duration::from_millis(500));
    let session = Arc::new(Session::start(config).await.unwrap());
    let (seen, rx) = mpsc::unbounded_channel();
    let app = session.clone();
    tokio::spawn(async move {
        while let Some(event) = app.next().await {
            match event {
                Event::Message(incoming) => {
                    answer(&app, &incoming).await;
                    let _ = seen.send(Seen::Message(incoming.channel, Box::new(incoming.doc)));
                }
                Event::Error { channel, error } => {
                    let _ = seen.send(Seen::Error(channel, error));
                }
                Event::WrongIds { mos_id, ncs_id, .. } => {
                    let _ = seen.send(Seen::WrongIds(mos_id, ncs_id));
                }
                _ => {}
            }
        }
    });
    (session, rx)
}

fn ro_ack(ro_id: &str) -> MosMessage<'static> {
    message(&format!("<roAck><roID>{ro_id}</roID><roStatus>OK</roStatus></roAck>"))
}

fn mos_ack(obj_id: &str, description: &str) -> MosMessage<'static> {
    message(&format!(
        "<mosAck><objID>{obj_id}</objID><objRev>1</objRev><status>ACK</status>\
         <statusDescription>{description}</statusDescription></mosAck>"
    ))
}

fn mos_obj_xml(id: &str) -> String {
    format!(
        "<mosObj><objID>{id}</objID><objSlug>Clip {id} «osmos»</objSlug><objGroup>News</objGroup>\
         <objType>VIDEO</objType><objTB>50</objTB><objRev>3</objRev><objDur>1500</objDur>\
         <status>READY</status><objAir>READY</objAir><createdBy>osmos</createdBy>\
         <created>2026-12-07T10:00:00</created><changedBy>osmos</changedBy>\
         <changed>2026-12-07T11:00:00</changed><description>Aerial shot</description></mosObj>"
    )
}

async fn answer(session: &Session, incoming: &Incoming) {
    let reply = match &incoming.doc.message {
        MosMessage::ReqMachInfo(_) => message(
            "<listMachInfo><manufacturer>osmos</manufacturer><model>session</model><hwRev>1</hwRev>\
             <swRev>0.1</swRev><DOM>2026-12-07</DOM><SN>7</SN><ID>osmos.device</ID>\
             <time>2026-12-07T12:00:00</time><mosRev>2.8.5</mosRev>\
             <supportedProfiles deviceType=\"MOS\"><mosProfile number=\"0\">YES</mosProfile>\
             <mosProfile number=\"1\">YES</mosProfile><mosProfile number=\"2\">YES</mosProfile>\
             </supportedProfiles></listMachInfo>",
        ),
        MosMessage::RoCreate(m) => ro_ack(&m.ro_id),
        MosMessage::RoReplace(m) => ro_ack(&m.ro_id),
        MosMessage::RoDelete(m) => ro_ack(&m.ro_id),
        MosMessage::RoMetadataReplace(m) => ro_ack(&m.ro_id),
        MosMessage::RoStorySend(m) => ro_ack(&m.ro_id),
        MosMessage::RoReadyToAir(m) => ro_ack(&m.ro_id),
        MosMessage::RoElementAction(m) => ro_ack(&m.ro_id),
        MosMessage::RoElementStat(m) => ro_ack(&m.ro_id),
        MosMessage::MosItemReplace(m) => ro_ack(&m.ro_id),
        MosMessage::MosReqObj(m) => message(&mos_obj_xml(&m.obj_id)),
        MosMessage::MosObj(m) => mos_ack(&m.obj_id, "stored"),
        MosMessage::MosListAll(_) => mos_ack("", "stored"),
        MosMessage::MosObjCreate(_) => mos_ack("", "OBJ-NEW-1"),
        MosMessage::RoReq(m) => message(&format!(
            "<roList><roID>{}</roID><roSlug>Listed by osmos</roSlug><story><storyID>S1</storyID>\
             <item><itemID>I1</itemID><objID>OBJ-I1</objID><mosID>osmos.device</mosID></item></story></roList>",
            m.ro_id
        )),
        MosMessage::MosReqObjList(m) => message(&format!(
            "<mosObjList><queryID>{}</queryID><listReturnStart>1</listReturnStart><listReturnEnd>1</listReturnEnd>\
             <listReturnTotal>1</listReturnTotal><list>{}</list></mosObjList>",
            m.query_id,
            mos_obj_xml("OBJ-Q")
        )),
        MosMessage::MosReqAll(_) => {
            // The acknowledgement first, then the objects in a mosListAll of our own.
            incoming.reply(mos_ack("", "ACK")).await.unwrap();
            let list = message(&format!("<mosListAll>{}{}</mosListAll>", mos_obj_xml("OBJ-1"), mos_obj_xml("OBJ-2")));
            let ack = session.request(list).await.unwrap();
            assert_eq!(name(&ack), "mosAck");
            return;
        }
        _ => return,
    };
    incoming.reply(reply).await.unwrap();
}

fn name(doc: &Mos<'_>) -> &'static str {
    osmos::mos::net::message_name(&doc.message)
}

/// The next message the osmos application answered, with its port.
async fn seen(rx: &mut mpsc::UnboundedReceiver<Seen>) -> (Channel, Mos<'static>) {
    loop {
        match timeout(Duration::from_secs(15), rx.recv()).await.expect("a message at osmos in time").unwrap() {
            Seen::Message(channel, doc) => return (channel, *doc),
            Seen::WrongIds(..) => {}
            Seen::Error(channel, error) => panic!("osmos {channel:?}: {error}"),
        }
    }
}

/// The message's XML as osmos encodes it, for checks of nested values.
fn xml(doc: &Mos<'_>) -> String {
    doc.encode()
}

async fn wait_heartbeats(session: &Session) {
    timeout(Duration::from_secs(10), async {
        while [Channel::Lower, Channel::Upper].iter().any(|&c| session.link_status(c).heartbeats_answered == 0) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("mos-connection answers osmos heartbeats on both ports");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mos_connection_as_newsroom_system_drives_an_osmos_device() {
    if !available() {
        return;
    }
    let (ours, theirs) = (free_ports(), free_ports());
    let (device, mut rx) = osmos(Role::Device, Config::new("osmos.device", "ncs.js"), ours, theirs).await;
    let mut js = Driver::start(JsRole::Newsroom, "ncs.js", "osmos.device", theirs, ours).await;

    // Heartbeats both ways on both ports: mos-connection counts the primary connection up only
    // once its heartbeats on the lower and upper ports are answered; ours are answered too.
    let status = js.wait_connected().await;
    assert_eq!(status["PrimaryStatus"], json!("Primary: Connected"));
    wait_heartbeats(&device).await;

    // reqMachInfo → listMachInfo.
    let info = js.command("reqMachInfo").await;
    assert_eq!(
        (&info["manufacturer"], &info["model"], &info["mosRev"]),
        (&json!("osmos"), &json!("session"), &json!("2.8.5"))
    );
    assert_eq!(info["supportedProfiles"]["deviceType"], json!("MOS"));
    assert_eq!(info["supportedProfiles"]["profile2"], json!(true));
    // mos-connection as a newsroom system swaps the envelope's IDs: reported (once per
    // connection) before the first message, which is taken all the same.
    match timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap() {
        Seen::WrongIds(mos_id, ncs_id) => assert_eq!((mos_id.as_str(), ncs_id.as_str()), ("ncs.js", "osmos.device")),
        other => panic!("{other:?}"),
    }
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!((channel, name(&doc)), (Channel::Lower, "reqMachInfo"));

    // roCreate: every story and item arrives; the roAck comes back.
    let ack = js.command("roCreate").await;
    assert_eq!((&ack["ID"], &ack["Status"]), (&json!("RO1"), &json!("OK")));
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!(channel, Channel::Upper);
    let MosMessage::RoCreate(ro) = &doc.message else { panic!("{doc:?}") };
    assert_eq!((ro.ro_id.as_ref(), ro.ro_slug.as_ref()), ("RO1", "Evening news"));
    assert_eq!(
        ro.ro_ed_start.as_ref().and_then(|t| t.value()).map(|t| t.to_string()).as_deref(),
        Some("2026-12-07T20:00:00,000Z")
    );
    let stories: Vec<_> =
        ro.story.iter().map(|s| (s.story_id.as_ref(), s.story_slug.as_deref(), s.item.len())).collect();
    assert_eq!(stories, [("S1", Some("Story S1 – ünïcode"), 2), ("S2", Some("Story S2 – ünïcode"), 1)]);
    let item = &ro.story[0].item[1];
    assert_eq!((item.item_id.as_ref(), item.obj_id.as_ref(), item.mos_id.as_ref()), ("I2", "OBJ-I2", "osmos.device"));
    assert_eq!(item.item_slug.as_deref(), Some("Item I2"));

    let ack = js.command("roReplace").await;
    assert_eq!(ack["Status"], json!("OK"));
    let (_, doc) = seen(&mut rx).await;
    let MosMessage::RoReplace(ro) = &doc.message else { panic!("{doc:?}") };
    assert_eq!((ro.ro_id.as_ref(), ro.ro_slug.as_ref(), ro.story.len()), ("RO1", "Evening news, replaced", 2));

    js.command("roMetadataReplace").await;
    let (_, doc) = seen(&mut rx).await;
    let MosMessage::RoMetadataReplace(ro) = &doc.message else { panic!("{doc:?}") };
    assert_eq!((ro.ro_id.as_ref(), ro.ro_slug.as_ref()), ("RO1", "Evening news, renamed"));

    js.command("roStorySend").await;
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!(channel, Channel::Upper);
    let MosMessage::RoStorySend(story) = &doc.message else { panic!("{doc:?}") };
    assert_eq!(
        (story.ro_id.as_ref(), story.story_id.as_ref(), story.story_slug.as_deref()),
        ("RO1", "S1", Some("Story S1"))
    );
    let body = story.story_body.as_str();
    assert!(body.contains("<p>Good evening.</p>"), "{body}");
    assert!(body.contains("<storyItem>") && body.contains("<objID>OBJ-I1</objID>"), "{body}");

    js.command("roReadyToAir").await;
    let (_, doc) = seen(&mut rx).await;
    let MosMessage::RoReadyToAir(ready) = &doc.message else { panic!("{doc:?}") };
    assert_eq!((ready.ro_id.as_ref(), ready.ro_air.value()), ("RO1", "READY"));

    // roElementAction: every operation on stories and items.
    for (command, operation, expected) in [
        (
            "insertStories",
            "INSERT",
            &["<element_target><storyID>S2</storyID></element_target>", "<storyID>S9</storyID>"][..],
        ),
        (
            "replaceStories",
            "REPLACE",
            &["<element_target><storyID>S2</storyID></element_target>", "<itemID>I8</itemID>"],
        ),
        (
            "moveStories",
            "MOVE",
            &[
                "<element_target><storyID>S1</storyID></element_target>",
                "<element_source><storyID>S2</storyID></element_source>",
            ],
        ),
        ("deleteStories", "DELETE", &["<element_source><storyID>S9</storyID></element_source>"]),
        ("swapStories", "SWAP", &["<element_source><storyID>S1</storyID><storyID>S2</storyID></element_source>"]),
        (
            "insertItems",
            "INSERT",
            &["<element_target><storyID>S1</storyID><itemID>I2</itemID></element_target>", "<itemID>I7</itemID>"],
        ),
        (
            "replaceItems",
            "REPLACE",
            &["<element_target><storyID>S1</storyID><itemID>I2</itemID></element_target>", "<objID>OBJ-I2</objID>"],
        ),
        (
            "moveItems",
            "MOVE",
            &[
                "<element_target><storyID>S1</storyID><itemID>I1</itemID></element_target>",
                "<element_source><itemID>I2</itemID></element_source>",
            ],
        ),
        (
            "deleteItems",
            "DELETE",
            &[
                "<element_target><storyID>S1</storyID></element_target>",
                "<element_source><itemID>I7</itemID></element_source>",
            ],
        ),
        (
            "swapItems",
            "SWAP",
            &[
                "<element_target><storyID>S1</storyID></element_target>",
                "<element_source><itemID>I1</itemID><itemID>I2</itemID></element_source>",
            ],
        ),
    ] {
        let ack = js.command(command).await;
        assert_eq!(ack["Status"], json!("OK"), "{command}");
        let (channel, doc) = seen(&mut rx).await;
        assert_eq!(channel, Channel::Upper);
        let MosMessage::RoElementAction(action) = &doc.message else { panic!("{command}: {doc:?}") };
        assert_eq!((action.ro_id.as_ref(), action.operation.value()), ("RO1", operation), "{command}");
        let text = xml(&doc);
        for part in expected {
            assert!(text.contains(part), "{command}: {part} not in {text}");
        }
    }

    js.command("roDelete").await;
    let (_, doc) = seen(&mut rx).await;
    let MosMessage::RoDelete(ro) = &doc.message else { panic!("{doc:?}") };
    assert_eq!(ro.ro_id, "RO1");

    // Profile 1: mosReqObj → mosObj; mosReqAll → mosAck, then our mosListAll.
    let obj = js.command("mosReqObj").await;
    assert_eq!(
        (&obj["ID"], &obj["Slug"], &obj["Type"]),
        (&json!("OBJ-1"), &json!("Clip OBJ-1 «osmos»"), &json!("VIDEO"))
    );
    assert_eq!((&obj["TimeBase"], &obj["Duration"], &obj["Revision"]), (&json!(50), &json!(1500), &json!(3)));
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!((channel, name(&doc)), (Channel::Lower, "mosReqObj"));
    let ack = js.command("mosReqAll").await;
    assert_eq!(ack["Status"], json!("ACK"));
    let listed = js.received("mosObjects").await;
    assert_eq!((&listed[0]["ID"], &listed[1]["ID"]), (&json!("OBJ-1"), &json!("OBJ-2")));
    let (_, doc) = seen(&mut rx).await;
    assert_eq!(name(&doc), "mosReqAll");

    // Profile 3: mosObjCreate (the new objID in the ACK), mosReqObjList on the query port.
    let ack = js.command("mosObjCreate").await;
    assert_eq!((&ack["Status"], &ack["Description"]), (&json!("ACK"), &json!("OBJ-NEW-1")));
    let (_, doc) = seen(&mut rx).await;
    let MosMessage::MosObjCreate(create) = &doc.message else { panic!("{doc:?}") };
    assert_eq!(
        (create.obj_slug.as_ref(), create.obj_type.value(), create.obj_tb.as_ref()),
        ("Clip undefined", "VIDEO", "25")
    );
    let list = js.command("mosReqObjList").await;
    assert_eq!((&list["listReturnTotal"], &list["list"][0]["ID"]), (&json!(1), &json!("OBJ-Q")));
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!(channel, Channel::Query);
    let MosMessage::MosReqObjList(req) = &doc.message else { panic!("{doc:?}") };
    assert_eq!((req.query_id.as_ref(), req.general_search.as_ref()), ("Q1", "weather"));
    assert_eq!((req.list_return_start.as_ref(), req.list_return_end.as_ref()), ("1", "10"));
    assert_eq!(req.search_group.len(), 1);
    // mos-connection sends the user name twice, as the spec's attribute and as an element:
    // the attribute is taken, the element kept as an unknown one (lenient input).
    assert_eq!(req.username.as_deref(), Some("jdoe"));
    let text = xml(&doc);
    assert!(text.contains("<mosReqObjList username=\"jdoe\">") && text.contains("<username>jdoe</username>"), "{text}");

    // osmos → mos-connection: mosObj, roElementStat at each level, mosItemReplace, roReq,
    // reqMachInfo, each on the port it belongs to.
    let ack = device.request(message(&mos_obj_xml("OBJ-7"))).await.unwrap();
    let MosMessage::MosAck(ack) = &ack.message else { panic!("{ack:?}") };
    assert_eq!((ack.obj_id.as_ref(), ack.status.value()), ("OBJ-7", "ACK"));
    let objs = js.received("mosObjects").await;
    assert_eq!(
        (&objs[0]["ID"], &objs[0]["Slug"], &objs[0]["Group"]),
        (&json!("OBJ-7"), &json!("Clip OBJ-7 «osmos»"), &json!("News"))
    );
    assert_eq!(
        (&objs[0]["Status"], &objs[0]["AirStatus"], &objs[0]["Duration"]),
        (&json!("READY"), &json!("READY"), &json!(1500))
    );

    for (element, xml, check) in [
        (
            "RO",
            "<roElementStat element=\"RO\"><roID>RO1</roID><status>MANUAL CTRL</status><time>2026-12-07T20:01:00</time></roElementStat>",
            json!({"element": "RO", "ID": "RO1", "Status": "MANUAL CTRL"}),
        ),
        (
            "STORY",
            "<roElementStat element=\"STORY\"><roID>RO1</roID><storyID>S1</storyID><status>PLAY</status><time>2026-12-07T20:02:00</time></roElementStat>",
            json!({"element": "STORY", "RunningOrderId": "RO1", "ID": "S1", "Status": "PLAY"}),
        ),
        (
            "ITEM",
            "<roElementStat element=\"ITEM\"><roID>RO1</roID><storyID>S1</storyID><itemID>I1</itemID><objID>OBJ-I1</objID><itemChannel>B</itemChannel><status>STOP</status><time>2026-12-07T20:03:00</time></roElementStat>",
            json!({"element": "ITEM", "RunningOrderId": "RO1", "StoryId": "S1", "ID": "I1", "ObjectId": "OBJ-I1", "Channel": "B", "Status": "STOP"}),
        ),
    ] {
        let ack = device.request(message(xml)).await.unwrap();
        assert_eq!(name(&ack), "roAck", "{element}");
        let got = js.received("roElementStat").await;
        for (key, value) in check.as_object().unwrap() {
            assert_eq!(&got[key], value, "{element}: {key} in {got}");
        }
        assert!(got["Time"].as_str().unwrap().starts_with("2026-12-07T"), "{got}");
    }

    let replace = message(
        "<mosItemReplace><roID>RO1</roID><storyID>S1</storyID><item><itemID>I1</itemID>\
         <itemSlug>Replaced</itemSlug><objID>OBJ-9</objID><mosID>osmos.device</mosID></item></mosItemReplace>",
    );
    let ack = device.request(replace).await.unwrap();
    let MosMessage::RoAck(ack) = &ack.message else { panic!("{ack:?}") };
    assert_eq!(ack.ro_status, "OK");
    let got = js.received("mosItemReplace").await;
    assert_eq!(
        (&got["item"]["ID"], &got["item"]["Slug"], &got["item"]["ObjectID"]),
        (&json!("I1"), &json!("Replaced"), &json!("OBJ-9"))
    );
    // mos-connection 4.1.1 hands its handler `ID` and `itemID` where roID and storyID are.
    assert_eq!((&got["roID"], &got["storyID"]), (&Value::Null, &Value::Null));

    let list = device.request(message("<roReq><roID>RO1</roID></roReq>")).await.unwrap();
    let MosMessage::RoList(list) = &list.message else { panic!("{list:?}") };
    assert_eq!((list.ro_id.as_ref(), list.ro_slug.as_ref(), list.story.len()), ("RO1", "Listed by mos-connection", 2));
    assert_eq!(list.story[0].item[0].obj_id, "OBJ-I1");
    assert_eq!(js.received("roReq").await["ID"], json!("RO1"));

    let info = device.request(message("<reqMachInfo/>")).await.unwrap();
    let MosMessage::ListMachInfo(info) = &info.message else { panic!("{info:?}") };
    assert_eq!(
        (info.manufacturer.as_ref(), info.model.as_ref(), info.id.as_ref()),
        ("mos-connection", "driver.js", "ncs.js")
    );

    // An oversized message is NACKed at once (not left to mos-connection's timeout), and the
    // session goes on.
    let started = Instant::now();
    let ack = js.command("oversized").await;
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(ack["ID"], json!("RO-BIG"));
    assert_eq!(ack["Status"], json!("NACK: larger than the maximum of 65536 bytes"));
    match timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap() {
        Seen::Error(Channel::Upper, Error::TooLarge { max: 65536, about }) => {
            assert_eq!((about.kind.as_deref(), about.nacked), (Some("roCreate"), true));
            assert!(about.message_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(js.command("roCreate").await["Status"], json!("OK"));
    let (_, doc) = seen(&mut rx).await;
    assert_eq!(name(&doc), "roCreate");

    assert_eq!(js.command("status").await["PrimaryConnected"], json!(true));
    let unexpected: Vec<_> = js.complaints.iter().filter(|c| !c.contains("Heartbeat")).collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mos_connection_as_device_serves_an_osmos_newsroom_system() {
    if !available() {
        return;
    }
    let (ours, theirs) = (free_ports(), free_ports());
    let (newsroom, mut rx) = osmos(Role::Newsroom, Config::new("mos.js", "osmos.ncs"), ours, theirs).await;
    let mut js = Driver::start(JsRole::Device, "mos.js", "osmos.ncs", theirs, ours).await;
    js.wait_connected().await;
    wait_heartbeats(&newsroom).await;

    // osmos → mos-connection: the running order messages on the upper port.
    let ro = message(
        "<roCreate><roID>RO5</roID><roSlug>Late news «spécial»</roSlug><roEdStart>2026-12-07T22:00:00</roEdStart>\
         <story><storyID>S1</storyID><storySlug>Opening</storySlug><item><itemID>I1</itemID>\
         <itemSlug>Titles</itemSlug><objID>OBJ-T</objID><mosID>mos.js</mosID><objDur>250</objDur><objTB>25</objTB>\
         </item></story><story><storyID>S2</storyID><item><itemID>I2</itemID><objID>OBJ-U</objID>\
         <mosID>mos.js</mosID></item></story></roCreate>",
    );
    let ack = newsroom.request(ro).await.unwrap();
    let MosMessage::RoAck(ack) = &ack.message else { panic!("{ack:?}") };
    assert_eq!((ack.ro_id.as_ref(), ack.ro_status.as_ref()), ("RO5", "OK"));
    let got = js.received("roCreate").await;
    assert_eq!((&got["ID"], &got["Slug"]), (&json!("RO5"), &json!("Late news «spécial»")));
    assert_eq!(got["EditorialStart"], json!("2026-12-07T22:00:00.000Z"));
    assert_eq!((&got["Stories"][0]["ID"], &got["Stories"][0]["Slug"]), (&json!("S1"), &json!("Opening")));
    let item = &got["Stories"][0]["Items"][0];
    assert_eq!(
        (&item["ID"], &item["ObjectID"], &item["MOSID"], &item["Slug"]),
        (&json!("I1"), &json!("OBJ-T"), &json!("mos.js"), &json!("Titles"))
    );
    assert_eq!(got["Stories"][1]["Items"][0]["ObjectID"], json!("OBJ-U"));

    let send = message(
        "<roStorySend><roID>RO5</roID><storyID>S1</storyID><storySlug>Opening</storySlug><storyNum>A1</storyNum>\
         <storyBody><p>Good night.</p><storyItem><itemID>I1</itemID><objID>OBJ-T</objID><mosID>mos.js</mosID></storyItem>\
         </storyBody></roStorySend>",
    );
    newsroom.request(send).await.unwrap();
    let got = js.received("roStorySend").await;
    assert_eq!((&got["RunningOrderId"], &got["ID"], &got["Number"]), (&json!("RO5"), &json!("S1"), &json!("A1")));
    assert_eq!((&got["Body"][0]["Type"], &got["Body"][0]["Content"]["text"]), (&json!("p"), &json!("Good night.")));
    assert_eq!(got["Body"][1]["Type"], json!("storyItem"));
    assert_eq!(got["Body"][1]["Content"]["ObjectID"], json!("OBJ-T"));

    let insert = message(
        "<roElementAction operation=\"INSERT\"><roID>RO5</roID><element_target><storyID>S2</storyID></element_target>\
         <element_source><story><storyID>S3</storyID><storySlug>Weather</storySlug></story></element_source></roElementAction>",
    );
    newsroom.request(insert).await.unwrap();
    let got = js.received("insertStories").await;
    assert_eq!((&got["action"]["RunningOrderID"], &got["action"]["StoryID"]), (&json!("RO5"), &json!("S2")));
    assert_eq!((&got["stories"][0]["ID"], &got["stories"][0]["Slug"]), (&json!("S3"), &json!("Weather")));

    newsroom.request(message("<roReadyToAir><roID>RO5</roID><roAir>NOT READY</roAir></roReadyToAir>")).await.unwrap();
    let got = js.received("roReadyToAir").await;
    assert_eq!((&got["ID"], &got["Status"]), (&json!("RO5"), &json!("NOT READY")));

    // Profile 1 from the newsroom: mosReqObj answered with the object; mosReqAll acknowledged,
    // then mos-connection's mosListAll arrives on the lower port.
    let obj = newsroom.request(message("<mosReqObj><objID>OBJ-3</objID></mosReqObj>")).await.unwrap();
    let MosMessage::MosObj(obj) = &obj.message else { panic!("{obj:?}") };
    assert_eq!((obj.obj_id.as_ref(), obj.obj_slug.as_ref(), obj.obj_type.value()), ("OBJ-3", "Clip OBJ-3", "VIDEO"));
    assert_eq!((obj.obj_tb.to_string(), obj.obj_air.value()), ("25".to_string(), "READY"));
    assert_eq!(js.received("mosReqObj").await["ID"], json!("OBJ-3"));
    let ack = newsroom.request(message("<mosReqAll><pause>0</pause></mosReqAll>")).await.unwrap();
    assert_eq!(name(&ack), "mosAck");
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!(channel, Channel::Lower);
    let MosMessage::MosListAll(list) = &doc.message else { panic!("{doc:?}") };
    let ids: Vec<_> = list.mos_obj.iter().map(|o| o.obj_id.as_ref()).collect();
    assert_eq!(ids, ["OBJ-1", "OBJ-2"]);

    // Profile 3 on the query port. mos-connection 4.1.1 fails on a single searchGroup
    // ("xml.searchGroup is not iterable"), and on a single searchField in a group, and answers
    // with a misleading NACK; two groups of two fields are taken.
    let search = |groups: usize| {
        let field = "<searchField XPath=\"/mosObj[objSlug='fire']\" sortByOrder=\"1\"/>";
        let group = format!("<searchGroup>{}</searchGroup>", field.repeat(groups));
        message(&format!(
            "<mosReqObjList username=\"jdoe\"><queryID>Q7</queryID><listReturnStart>1</listReturnStart>\
             <listReturnEnd>5</listReturnEnd><generalSearch>fire</generalSearch><mosSchema>http://x/s.dtd</mosSchema>\
             {}</mosReqObjList>",
            group.repeat(groups)
        ))
    };
    let nack = newsroom.request(search(1)).await.unwrap();
    let MosMessage::MosAck(nack) = &nack.message else { panic!("{nack:?}") };
    assert_eq!(
        (nack.status.value(), nack.status_description.as_ref()),
        ("NACK", "MosDevice \"osmos.ncs_mos.js\" not found")
    );
    let not_iterable = |v: &Value| v["warning"].as_str().is_some_and(|w| w.contains("xml.searchGroup is not iterable"));
    js.wait_for(not_iterable).await;
    js.complaints.retain(|c| !c.contains("xml.searchGroup is not iterable"));
    let list = newsroom.request(search(2)).await.unwrap();
    assert_eq!(name(&list), "mosObjList", "{}", xml(&list));
    let text = xml(&list);
    assert!(text.contains("<queryID>1</queryID>") && text.contains("<objID>OBJ-Q</objID>"), "{text}");
    let got = js.received("mosReqObjList").await;
    assert_eq!(
        (&got["username"], &got["queryID"], &got["generalSearch"]),
        (&json!("jdoe"), &json!("Q7"), &json!("fire"))
    );
    assert_eq!(got["searchGroups"].as_array().map(Vec::len), Some(2));
    assert_eq!(got["searchGroups"][0]["searchFields"][0]["XPath"], json!("/mosObj[objSlug='fire']"));

    // mos-connection → osmos: mosObj, roElementStat, mosItemReplace, roReq, reqMachInfo.
    let ack = js.command("mosObj").await;
    assert_eq!((&ack["ID"], &ack["Status"], &ack["Description"]), (&json!("OBJ-7"), &json!("ACK"), &json!("stored")));
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!(channel, Channel::Lower);
    let MosMessage::MosObj(obj) = &doc.message else { panic!("{doc:?}") };
    assert_eq!(
        (obj.obj_id.as_ref(), obj.obj_slug.as_ref(), obj.created_by.as_ref()),
        ("OBJ-7", "Clip OBJ-7", "jsdriver")
    );
    assert_eq!(obj.obj_dur.value().map(|d| d.get()), Some(1500));

    let ack = js.command("roElementStatItem").await;
    assert_eq!(ack["Status"], json!("OK"));
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!(channel, Channel::Upper);
    let MosMessage::RoElementStat(stat) = &doc.message else { panic!("{doc:?}") };
    assert_eq!(stat.element.value(), "ITEM");
    assert_eq!(
        (stat.ro_id.as_ref(), stat.story_id.as_deref(), stat.item_id.as_deref()),
        ("RO1", Some("S1"), Some("I1"))
    );
    assert_eq!(
        (stat.obj_id.as_deref(), stat.item_channel.as_deref(), stat.status.value()),
        (Some("OBJ-I1"), Some("B"), "STOP")
    );

    js.command("mosItemReplace").await;
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!(channel, Channel::Upper);
    let MosMessage::MosItemReplace(replace) = &doc.message else { panic!("{doc:?}") };
    assert_eq!((replace.ro_id.as_ref(), replace.story_id.as_ref(), replace.item.item_id.as_ref()), ("RO1", "S1", "I1"));

    let list = js.command("roReq").await;
    assert_eq!((&list["ID"], &list["Slug"]), (&json!("RO1"), &json!("Listed by osmos")));
    assert_eq!(list["Stories"][0]["Items"][0]["ObjectID"], json!("OBJ-I1"));
    let (_, doc) = seen(&mut rx).await;
    assert_eq!(name(&doc), "roReq");

    let info = js.command("reqMachInfo").await;
    assert_eq!(info["manufacturer"], json!("osmos"));
    let (channel, doc) = seen(&mut rx).await;
    assert_eq!((channel, name(&doc)), (Channel::Lower, "reqMachInfo"));

    // Nothing else reached the application: no envelope warnings, no errors.
    let rest = rx.try_recv();
    assert!(rest.is_err(), "{rest:?}");
    assert!(js.complaints.iter().all(|c| c.contains("Heartbeat")), "{:#?}", js.complaints);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mos_connection_killed_and_restarted_loses_nothing_acknowledged() {
    if !available() {
        return;
    }
    let (ours, theirs) = (free_ports(), free_ports());
    let (device, mut rx) = osmos(Role::Device, Config::new("osmos.device", "ncs.js"), ours, theirs).await;
    let mut js = Driver::start(JsRole::Newsroom, "ncs.js", "osmos.device", theirs, ours).await;
    js.wait_connected().await;
    assert_eq!(js.command("roCreate").await["Status"], json!("OK"));
    let (_, doc) = seen(&mut rx).await;
    assert_eq!(name(&doc), "roCreate");

    js.kill().await;
    // Made while the peer is away: waits in the queue, goes out once it is back.
    let queued = {
        let device = device.clone();
        tokio::spawn(async move { device.request(message(&mos_obj_xml("OBJ-Q1"))).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!queued.is_finished());
    assert!(!device.link_status(Channel::Lower).up);

    let mut js = Driver::start(JsRole::Newsroom, "ncs.js", "osmos.device", theirs, ours).await;
    js.wait_connected().await;
    let ack = timeout(Duration::from_secs(10), queued).await.unwrap().unwrap().unwrap();
    let MosMessage::MosAck(ack) = &ack.message else { panic!("{ack:?}") };
    assert_eq!((ack.obj_id.as_ref(), ack.status.value()), ("OBJ-Q1", "ACK"));
    let objs = js.received("mosObjects").await;
    assert_eq!(objs[0]["ID"], json!("OBJ-Q1"));
    assert!(device.link_status(Channel::Lower).connects >= 2);

    // The new incarnation's messages arrive once each. (It counts messageIDs from 1 again: the
    // same document with the same ID inside the retry window would be answered as a retry.)
    assert_eq!(js.command("roReplace").await["Status"], json!("OK"));
    assert_eq!(js.command("roDelete").await["Status"], json!("OK"));
    let (_, first) = seen(&mut rx).await;
    let (_, second) = seen(&mut rx).await;
    assert_eq!((name(&first), name(&second)), ("roReplace", "roDelete"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(more) = rx.try_recv() {
        assert!(matches!(more, Seen::WrongIds(..)), "{more:?}");
    }
    // The queued mosObj reached mos-connection once.
    js.command("status").await;
    assert_eq!(js.count_received("mosObjects"), 0);
}
