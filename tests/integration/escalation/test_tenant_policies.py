"""A policy limited to tenants covers only their complaints: the tenant comes with complaint.received."""

from shared.auth.roles import Role
from shared.contracts.sla import SlaStartedV1
from tests.integration.escalation.builders import classified, fast_policy, new_id, received
from tests.support import produce_event, started_producer, unique


async def test_a_tenant_policy_covers_its_tenants_complaints_and_no_others(escalation, event_log, broker):
    category, tenant = unique("tenanted-"), unique("acme-")
    general = fast_policy(category, first_response_s=3600, position=1)
    for_tenant = {**fast_policy(category, first_response_s=600, position=0), "id": f"t-{category}",
                  "name": "the tenant's own promise"}
    for_tenant["conditions"] = {**for_tenant["conditions"], "tenant": [tenant]}
    for policy in (general, for_tenant):
        created = await escalation.client.post("/v1/sla/policies", json=policy, headers={"X-Actor": "ops"})
        assert created.status_code == 201, created.text

    theirs, someone_elses, untenanted = new_id(), new_id(), new_id()
    async with started_producer(broker.bootstrap) as producer:
        for complaint_id, fields in ((theirs, {"tenant": tenant}), (someone_elses, {"tenant": unique("other-")}),
                                     (untenanted, {})):
            await produce_event(producer, received(complaint_id, **fields))
            await produce_event(producer, classified(complaint_id, category=category))
        policies = {complaint_id: {e.policy_id for e in await event_log.wait_for(complaint_id, SlaStartedV1, count=2)}
                    for complaint_id in (theirs, someone_elses, untenanted)}
    assert policies == {theirs: {f"t-{category}"}, someone_elses: {general["id"]}, untenanted: {general["id"]}}
    key = await escalation.grant(Role.SUPERVISOR, name="lead", tenant=tenant)  # only its tenant sees it
    async with escalation.client_with(key) as client:
        assert (await client.get(f"/v1/complaints/{theirs}/sla")).json()["policy_id"] == f"t-{category}"


async def test_a_policy_for_the_default_tenant_covers_events_that_name_none(escalation, event_log, broker):
    category = unique("default-")
    policy = fast_policy(category)
    policy["conditions"] = {**policy["conditions"], "tenant": ["default"]}
    assert (await escalation.client.post("/v1/sla/policies", json=policy)).status_code == 201
    complaint_id = new_id()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id))
        await produce_event(producer, classified(complaint_id, category=category))
        started = await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
    assert {e.policy_id for e in started} == {policy["id"]}
