from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from outputs.models import Evidence, ReviewEvent, Status, StatusUpdate, is_overdue
from programme.models import Country, Outcome, Programme


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["slug", "code", "title", "funding_partner", "start_date", "end_date"]


class CountrySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", allow_null=True, default=None, read_only=True)

    class Meta:
        model = Country
        fields = ["slug", "name", "code", "region"]


class OutcomeSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    country = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "programme", "country", "number", "title"]


class ReportedStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusUpdate
        fields = ["id", "status", "progress", "as_of", "narrative", "reviewed_at"]


class PendingUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusUpdate
        fields = ["id", "status", "progress", "as_of", "review_state"]


class OutputSerializer(serializers.Serializer):
    """An output with its reported (approved) status; ``pending`` only for officers and coordinators."""

    id = serializers.IntegerField(read_only=True)
    programme = serializers.CharField(source="outcome.programme.slug", read_only=True)
    country = serializers.CharField(source="outcome.country.slug", read_only=True)
    country_name = serializers.CharField(source="outcome.country.name", read_only=True)
    outcome = serializers.IntegerField(source="outcome.number", read_only=True)
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    deadline = serializers.DateField(read_only=True)
    overdue = serializers.SerializerMethodField()
    reported = ReportedStatusSerializer(source="reported_update", read_only=True, allow_null=True)
    pending = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, output):
        reported = output.reported_update
        return is_overdue(output.deadline, reported.status if reported else None, timezone.localdate())

    @extend_schema_field(PendingUpdateSerializer(allow_null=True))
    def get_pending(self, output):
        sees_pending = self.context.get("sees_pending", {})
        if output.pending_update_id and sees_pending.get(output.outcome.programme_id):
            return PendingUpdateSerializer(output.pending_update).data
        return None


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "url", "content_type", "size", "added_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, evidence):
        return evidence.original_name or evidence.url


class ReviewEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = ReviewEvent
        fields = ["action", "from_state", "to_state", "actor", "at", "reason"]


class StatusUpdateSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    output = serializers.IntegerField(source="output_id", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    events = ReviewEventSerializer(many=True, read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id", "output", "author", "status", "progress", "narrative", "as_of", "review_state",
            "submitted_at", "reviewed_at", "evidence", "events",
        ]
        read_only_fields = fields

    def to_representation(self, update):
        data = super().to_representation(update)
        # Donors see approved statuses only, not the review between officer and coordinator.
        programmes_with_review_data = self.context.get("sees_pending", {})
        if not programmes_with_review_data.get(update.output.outcome.programme_id, False):
            data["events"] = [event for event in data["events"] if event["action"] == ReviewEvent.Action.APPROVED]
            for event in data["events"]:
                event["reason"] = ""
        return data


class StatusUpdateWriteSerializer(serializers.Serializer):
    """What an officer sends: the rules (narrative required, no future date...) are the services'."""

    status = serializers.ChoiceField(choices=Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    narrative = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    as_of = serializers.DateField(required=False, allow_null=True, default=None)
    links = serializers.ListField(
        child=serializers.URLField(max_length=1000), required=False, default=list, max_length=20
    )
    submit = serializers.BooleanField(required=False, default=True)
    base_revision = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0,
        help_text="The output's revision when you read it; a save over someone else's change is refused (409).",
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
