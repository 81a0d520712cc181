import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from recommendations import services
from recommendations.models import Body, Recommendation, State, Target, normalize_name
from tests.factories import BodyFactory, DocumentFactory, RecommendationFactory, state

pytestmark = pytest.mark.django_db


def test_every_iso_state_is_loaded_with_the_names_it_goes_by():
    names = State.objects.by_name()

    assert State.objects.count() >= 190
    for name, code in [
        ("DPR Korea", "PRK"),
        ("Republic of Korea", "KOR"),
        ("Bosnia & Herzegovina", "BIH"),
        ("People's Republic of China", "CHN"),
        ("Swaziland", "SWZ"),
    ]:
        assert names[normalize_name(name)].code == code
    assert State.objects.get(code="KOR").name == "Republic of Korea"


def test_a_target_with_both_a_state_and_a_body_names_the_field():
    target = Target(recommendation=RecommendationFactory(), state=state("CHN"), body=BodyFactory())

    with pytest.raises(ValidationError) as error:
        target.full_clean()

    assert error.value.message_dict["body"] == ["Choose a state or a body, not both."]


def test_a_target_with_neither_a_state_nor_a_body_names_the_field():
    target = Target(recommendation=RecommendationFactory())

    with pytest.raises(ValidationError) as error:
        target.full_clean()

    assert "state" in error.value.message_dict


@pytest.mark.parametrize("addressee", ["both", "neither"])
def test_the_database_refuses_a_target_with_both_or_neither(addressee):
    recommendation = RecommendationFactory()
    fields = {"state": state("CHN"), "body": BodyFactory()} if addressee == "both" else {}

    with pytest.raises(IntegrityError, match="target_state_xor_body"), transaction.atomic():
        Target.objects.create(recommendation=recommendation, **fields)


def test_the_same_state_cannot_be_addressed_twice_by_one_recommendation():
    recommendation = RecommendationFactory()
    Target.objects.create(recommendation=recommendation, state=state("CHN"))

    with pytest.raises(ValidationError) as error:
        Target(recommendation=recommendation, state=state("CHN")).full_clean()

    assert "already exists" in str(error.value)


def test_a_duplicate_document_symbol_is_an_error_on_the_symbol():
    DocumentFactory(symbol="A/HRC/25/CRP.1")

    with pytest.raises(ValidationError) as error:
        DocumentFactory.build(symbol="A/HRC/25/CRP.1", body=None).full_clean()

    assert error.value.message_dict["symbol"] == ["A document with this symbol already exists."]


def test_documents_without_a_symbol_may_be_many():
    DocumentFactory(symbol="")
    DocumentFactory.build(symbol="", body=None).full_clean()


def test_a_recommendation_without_an_issuer_is_refused_on_issued_by():
    with pytest.raises(ValidationError) as error:
        Recommendation.validate_issuers(issued_by=None, recommending_states=[], organizations=[])

    assert "issued_by" in error.value.message_dict


def test_one_recommending_state_is_issuer_enough():
    Recommendation.validate_issuers(
        issued_by=None, recommending_states=[state("KOR")], organizations=[]
    )


@pytest.mark.parametrize(
    "written, code",
    [
        ("Côte d’Ivoire", "CIV"),
        ("the Gambia", "GMB"),
        ("The Netherlands", "NLD"),
        ("Democratic People’s Republic of Korea", "PRK"),
        ("St Kitts & Nevis", "KNA"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Libyan Arab Jamahiriya", "LBY"),
        ("Guinea Bissau", "GNB"),
    ],
)
def test_names_as_un_documents_and_upr_info_write_them_find_their_state(written, code):
    assert State.objects.by_name()[normalize_name(written)].code == code


def test_a_body_that_would_be_its_own_grandparent_names_the_parent():
    un = BodyFactory(acronym="UN")
    hrc = BodyFactory(acronym="HRC", parent=un)
    un.parent = hrc

    with pytest.raises(ValidationError) as error:
        un.full_clean()

    assert list(error.value.message_dict) == ["parent"]


def test_a_reiteration_that_closes_a_cycle_names_reiterates():
    first = RecommendationFactory()
    second = RecommendationFactory(reiterates=first)
    third = RecommendationFactory(reiterates=second)
    first.reiterates = third

    with pytest.raises(ValidationError) as error:
        first.full_clean()

    assert list(error.value.message_dict) == ["reiterates"]


def test_a_cycle_stored_before_the_check_does_not_block_other_rows(django_assert_max_num_queries):
    first, second = RecommendationFactory(), RecommendationFactory()
    # Written around the validation, as a bulk import could.
    Recommendation.objects.filter(pk=first.pk).update(reiterates=second)
    Recommendation.objects.filter(pk=second.pk).update(reiterates=first)
    newest = RecommendationFactory()
    newest.reiterates = second

    # One lookup per link until the chain comes back to a row it has seen.
    with django_assert_max_num_queries(2):
        newest.clean()


def test_a_chain_too_long_to_follow_is_refused(monkeypatch):
    chain = [RecommendationFactory()]
    for _ in range(4):
        chain.append(RecommendationFactory(reiterates=chain[-1]))
    monkeypatch.setattr("recommendations.models.CHAIN_MAX_LINKS", 3)
    newest = RecommendationFactory()
    newest.reiterates = chain[-1]

    with pytest.raises(ValidationError):
        newest.clean()


def test_the_services_refuse_a_cycle_for_every_writer():
    first = RecommendationFactory()
    second = RecommendationFactory(reiterates=first)
    un = BodyFactory(acronym="UN")

    with pytest.raises(ValidationError):
        services.recommendation_update(recommendation=first, reiterates=second)
    # The demo loader's and importers' upsert of reference rows.
    with pytest.raises(ValidationError):
        services.row_upsert(Body, lookup={"acronym": "UN"}, values={"parent": un})

    first.refresh_from_db()
    un.refresh_from_db()
    assert (first.reiterates, un.parent) == (None, None)
