#!/usr/bin/env bash
# Validate the MOS sample corpus against the project's strict MOS schema (schemas/mos/mos.xsd)
# and compare the outcome with the expected failures documented in schemas/mos/VALIDATION.md.
#
# Usage: schemas/mos/validate-samples.sh [-v]      (run from anywhere)
#   -v   print the xmllint errors of every failing sample
#
# First it checks that the schema compiles and runs a small built-in self-test of the schema's
# constraints (number bounds, hex, MOS time, enumerations, envelope forms); that part needs no
# corpus.
#
# The corpus lives outside the repository, at ../shared/corpus/mos/samples relative to the repo
# root (fallback /work/shared/corpus/mos/samples; override with MOS_SAMPLES=/path). When it is
# absent the sample part is skipped with a message.
# Requires xmllint (Debian/Ubuntu: apt-get install libxml2-utils); skips when it is missing.
#
# Samples whose root element is not <mos> (message bodies only) are wrapped in
#   <mos><mosID>x</mosID><ncsID>y</ncsID><messageID>1</messageID> ... </mos>
# before validation. Exit code: 0 when the self-test passes and every sample behaves as listed
# below, 1 otherwise.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
schema="$here/mos.xsd"
samples="${MOS_SAMPLES:-$repo/../shared/corpus/mos/samples}"
[ -d "$samples" ] || [ -n "${MOS_SAMPLES:-}" ] || samples=/work/shared/corpus/mos/samples
verbose=0
[ "${1:-}" = "-v" ] && verbose=1

if ! command -v xmllint >/dev/null 2>&1; then
    echo "skip: xmllint not installed (apt-get install libxml2-utils)"
    exit 0
fi

# Samples that must FAIL strict validation; the reason of each is in VALIDATION.md.
expected_fail="
heartbeat.xml
mosAck.sofie-out.xml
mosItemReplace.sofie-out.xml
mosListAll.xml
mosListSearchableSchema.sofie-out.xml
mosObj.sofie-out.xml
mosObjCreate.sofie-out.xml
mosObjList.sofie-out.xml
mosReqAll.sofie-out.xml
mosReqObj.sofie-out.xml
mosReqObjAction.sofie-out.xml
mosReqObjList.sofie-out.xml
mosReqSearchableSchema.sofie-out.xml
ncsItem.sofie-sample3_attrs_in_payload.xml
ncsItem.xml
reqMachInfo.sofie-out.xml
roAck.sofie-nack_not_found.xml
roAck.sofie-out.xml
roCreate.mosromgr-no_ncsID.xml
roDelete.sofie-out.xml
roElementAction.sofie-out.xml
roElementStat.sofie-out.xml
roInvalidMos.mosromgr-unknown_message.xml
roItemMoveMultiple.mosromgr.xml
roListAll.osm-2_8_3.xml
roReq.sofie-out.xml
roReqAll.sofie-out.xml
roStoryMove.sofie-offspec_missing_second_storyID.xml
roStorySend.osm-2_5.xml
roStorySend.osm-2_8_3.xml
roStorySend.sofie-out.xml
roStorySend.xml
"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! xmllint --noout "$schema" 2>"$tmp/schema.err" || \
   ! echo '<mos><mosID>a</mosID><ncsID>b</ncsID><keepAlive/></mos>' | \
     xmllint --noout --schema "$schema" - >/dev/null 2>>"$tmp/schema.err"; then
    echo "FAIL: schema $schema does not compile:"
    cat "$tmp/schema.err"
    exit 1
fi

# ---------------------------------------------------------------- self-test of the schema
# expect|message body (wrapped in <mos><mosID>m</mosID><ncsID>n</ncsID>[<messageID>..</messageID>])
# A leading "@ID " sets the messageID ("@- " omits it); "RAW " gives the whole <mos> content.
selftests='
pass|@- <keepAlive/>
pass|@0x12D <reqMachInfo/>
pass|@xFF55 <reqMachInfo/>
pass|@00000008 <reqMachInfo/>
pass|@2147483647 <reqMachInfo/>
fail|@2147483648 <reqMachInfo/>
fail|@0 <reqMachInfo/>
fail|@0x80000000 <reqMachInfo/>
pass|<heartbeat><time>2009-04-11T17:20:42</time></heartbeat>
pass|<heartbeat><time>2009-04-11T14:22:07,125-05:00</time></heartbeat>
fail|<heartbeat><time>2009-04-11T14:22:07.125Z</time></heartbeat>
fail|<heartbeat><time></time></heartbeat>
pass|<mosReqAll><pause>0xFFFFFFFF</pause></mosReqAll>
fail|<mosReqAll><pause>4294967296</pause></mosReqAll>
pass|<mosAck><objID>o</objID><objRev>999</objRev><status>NACK</status><statusDescription/></mosAck>
fail|<mosAck><objID>o</objID><objRev>1000</objRev><status>ACK</status><statusDescription/></mosAck>
fail|<mosAck><objID>o</objID><objRev>1</objRev><status>OK</status><statusDescription/></mosAck>
pass|<roReadyToAir><roID>r</roID><roAir>NOT READY</roAir></roReadyToAir>
fail|<roReadyToAir><roID>r</roID><roAir>NOTREADY</roAir></roReadyToAir>
pass|<roMetadataReplace><roID>r</roID><roSlug>s</roSlug><roEdDur>00:58:25</roEdDur><roTrigger>CHAINED -50</roTrigger><macroIn>i</macroIn><macroOut>o</macroOut></roMetadataReplace>
fail|<roMetadataReplace><roID>r</roID><roSlug>s</roSlug><roTrigger>CHAINED 50</roTrigger></roMetadataReplace>
pass|<roElementStat element="RO"><roID>r</roID><status>MANUAL CTRL</status><time>2009-04-11T14:13:53</time></roElementStat>
fail|<roElementStat><roID>r</roID><status>PLAY</status><time>2009-04-11T14:13:53</time></roElementStat>
pass|<roElementAction operation="SWAP"><roID>r</roID><element_target/><element_source><storyID>a</storyID><storyID>b</storyID></element_source></roElementAction>
fail|<roElementAction operation="MOVE"><roID>r</roID><element_source><storyID>a</storyID><itemID>b</itemID></element_source></roElementAction>
fail|<roStoryMove><roID>r</roID><storyID>a</storyID></roStoryMove>
pass|<roStat><roID>r</roID><status>READY</status><time>2009-04-11T14:13:53Z</time></roStat>
pass|<roCtrl><roID>r</roID><storyID>s</storyID><itemID>i</itemID><command>EXECUTE</command></roCtrl>
pass|<roStorySend><roID>r</roID><storyID>s</storyID><storyBody>t<p>x<storyItem><itemID>1</itemID><objID>o</objID><mosID>m</mosID></storyItem></p><x y="1"/></storyBody></roStorySend>
fail|<roStorySend><roID>r</roID><storyID>s</storyID><storyBody><p><storyItem><objID>o</objID></storyItem></p></storyBody></roStorySend>
pass|<roReqStoryAction operation="MOVE" leaseLock="998"><roStorySend><roID>r</roID><element_target><storyID>t</storyID></element_target><element_source><storyID>a</storyID></element_source><storyID/><storyBody/></roStorySend></roReqStoryAction>
fail|<roReqStoryAction operation="NEW" leaseLock="999"><roStorySend><roID>r</roID><storyID/><storyBody/></roStorySend></roReqStoryAction>
pass|<mosItemReplace><roID>r</roID><storyID>s</storyID><item><itemID>1</itemID><objID>o</objID><mosID>m</mosID><objPaths><objPath techDescription="v">p</objPath></objPaths><mosExternalMetadata><mosSchema>u</mosSchema><mosPayload>text<a b="c"/><mos/></mosPayload></mosExternalMetadata></item></mosItemReplace>
fail|<mosItemReplace><roID>r</roID><storyID>s</storyID><item><itemID>1</itemID><objID>o</objID><mosID>m</mosID><objPaths><objPath>p</objPath></objPaths></item></mosItemReplace>
pass|RAW <ncsItem><item><itemID>1</itemID><objID>o</objID><mosID>m</mosID></item></ncsItem>
pass|RAW <ncsAck><status>ACK</status></ncsAck>
fail|RAW <heartbeat><time>2009-04-11T14:13:53</time></heartbeat>
'
st_bad=0; st_n=0
while IFS='|' read -r expect body; do
    [ -z "$expect" ] && continue
    st_n=$((st_n + 1))
    case "$body" in
        RAW\ *) doc="<mos>${body#RAW }</mos>" ;;
        @-\ *)  doc="<mos><mosID>m</mosID><ncsID>n</ncsID>${body#@- }</mos>" ;;
        @*)     mid="${body%% *}"; mid="${mid#@}"
                doc="<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>$mid</messageID>${body#* }</mos>" ;;
        *)      doc="<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID>$body</mos>" ;;
    esac
    printf '%s' "$doc" >"$tmp/self.xml"
    if xmllint --noout --schema "$schema" "$tmp/self.xml" >/dev/null 2>&1; then got=pass; else got=fail; fi
    if [ "$got" != "$expect" ]; then
        st_bad=$((st_bad + 1)); echo "SELF-TEST expected $expect, got $got: $doc"
    fi
done <<EOT
$selftests
EOT
echo "self-test: $st_n cases, wrong: $st_bad"

# ---------------------------------------------------------------- sample corpus
if [ ! -d "$samples" ]; then
    echo "skip: MOS sample corpus not found at $samples (needs ../shared next to the repo)"
    [ "$st_bad" -eq 0 ]; exit $?
fi

pass=0; fail=0; unexpected=0
for f in "$samples"/*.xml; do
    name="$(basename "$f")"
    root="$(xmllint --xpath 'name(/*)' "$f" 2>/dev/null)"
    input="$f"
    if [ "$root" != "mos" ]; then
        # body only: strip a UTF-8 BOM and any XML declaration, then wrap in an envelope
        {
            printf '<mos><mosID>x</mosID><ncsID>y</ncsID><messageID>1</messageID>'
            sed -e '1s/^\xEF\xBB\xBF//' -e '1s/^[[:space:]]*<?xml[^>]*?>//' "$f"
            printf '</mos>'
        } >"$tmp/wrapped.xml"
        input="$tmp/wrapped.xml"
    fi
    if xmllint --noout --schema "$schema" "$input" >"$tmp/out" 2>&1; then
        result=pass; pass=$((pass + 1))
    else
        result=fail; fail=$((fail + 1))
    fi
    if printf '%s\n' "$expected_fail" | grep -qxF "$name"; then
        expected=fail
    else
        expected=pass
    fi
    wrapped=""
    [ "$input" != "$f" ] && wrapped=" (wrapped)"
    if [ "$result" != "$expected" ]; then
        unexpected=$((unexpected + 1))
        echo "UNEXPECTED $result: $name$wrapped"
        grep -v ' validates$\| fails to validate$' "$tmp/out" | sed 's/^/    /'
    elif [ "$verbose" = 1 ] && [ "$result" = fail ]; then
        echo "fail (expected): $name$wrapped"
        grep -v ' validates$\| fails to validate$' "$tmp/out" | sed 's/^/    /'
    fi
done

echo "samples: $((pass + fail)), valid: $pass, invalid: $fail, differing from VALIDATION.md: $unexpected"
[ "$unexpected" -eq 0 ] && [ "$st_bad" -eq 0 ]
