"""Which cases a caller sees: only its tenant's; of those an agent its own and its queues', a supervisor its queues'
or all, an admin all."""

from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.auth.visibility import case_view


def a_principal(*roles: Role, subject: str = "ann", queues: tuple[str, ...] = (), tenant: str = "default"
                ) -> Principal:
    return Principal(subject=subject, roles=frozenset(roles), tenant=tenant, via="api-key",
                     queues=frozenset(queues))


def test_an_agent_sees_the_cases_assigned_to_them_and_those_of_their_queues():
    view = case_view(a_principal(Role.AGENT, queues=("north",)))

    assert view.sees(tenant="default", team_id="south", agent_id="ann")
    assert view.sees(tenant="default", team_id="north", agent_id="bob")
    assert view.sees(tenant="default", team_id="north", agent_id=None)
    assert not view.sees(tenant="default", team_id="south", agent_id="bob")
    assert not view.sees(tenant="default", team_id=None, agent_id=None)


def test_an_agent_without_queues_sees_only_their_own_cases():
    view = case_view(a_principal(Role.AGENT))

    assert view.sees(tenant="default", team_id="north", agent_id="ann")
    assert not view.sees(tenant="default", team_id="north", agent_id="bob")
    assert not view.sees(tenant="default", team_id="north", agent_id=None)


def test_a_supervisor_with_queues_sees_those_queues():
    view = case_view(a_principal(Role.SUPERVISOR, subject="lead", queues=("north", "east")))

    assert view.sees(tenant="default", team_id="east", agent_id="bob")
    assert not view.sees(tenant="default", team_id="south", agent_id="bob")


def test_a_supervisor_without_queues_and_an_admin_see_every_case():
    for principal in (a_principal(Role.SUPERVISOR), a_principal(Role.ADMIN, queues=("north",)),
                      a_principal(Role.AGENT, Role.ADMIN), a_principal(Role.AGENT, Role.SUPERVISOR)):
        view = case_view(principal)
        assert view.everything
        assert view.sees(tenant="default", team_id=None, agent_id=None)


def test_an_agent_with_another_role_is_still_confined():
    assert not case_view(a_principal(Role.AGENT, Role.ANALYST)).sees(tenant="default", team_id="south", agent_id="bob")


def test_nobody_sees_another_tenants_cases_not_even_an_admin():
    for principal in (a_principal(Role.ADMIN), a_principal(Role.SUPERVISOR), a_principal(Role.AGENT, queues=("n",))):
        view = case_view(principal)
        assert view.tenant == "default"
        assert not view.sees(tenant="acme", team_id="n", agent_id="ann")
    assert case_view(a_principal(Role.ADMIN, tenant="acme")).sees(tenant="acme", team_id=None, agent_id=None)
