"""The OpenAPI schema: every operation documents its errors, in one place."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from core.sorting import SortFilter


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Ce qui ne va pas, en français (ou dans la langue demandée)."))


class InvalidParametersSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Pour chaque paramètre refusé, la raison."),
    )


class ArchipelAutoSchema(AutoSchema):
    """Adds the error answers every operation can give, and says how lists read their
    parameters."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "query":
                sort = filters.get(parameter["name"])
                if isinstance(sort, SortFilter) and sort.several:
                    # Several sorts, comma-separated (?tri=pays,-depuis), applied in turn.
                    parameter["schema"] = {"type": "array", "items": parameter["schema"]}
                    parameter["explode"] = False
                    parameter["style"] = "form"
                # As in the pages' forms, an empty value (?type=) means no filter.
                parameter["allowEmptyValue"] = True
                # A slug's pattern (from the model field) is ASCII, but étiquettes have
                # accented slugs: a value the pattern refuses may still exist.
                parameter["schema"].pop("pattern", None)
        return operation

    def get_response_serializers(self):
        responses = {200: super().get_response_serializers()}
        if getattr(self.view, "action", None) == "list":
            responses[400] = OpenApiResponse(
                InvalidParametersSerializer, description=_("Un filtre ou la taille de page est refusé.")
            )
            responses[404] = OpenApiResponse(ErrorSerializer, description=_("Cette page n’existe pas."))
        else:
            responses[404] = OpenApiResponse(ErrorSerializer, description=_("Aucun objet ne porte ce slug."))
        responses[429] = OpenApiResponse(
            ErrorSerializer, description=_("Trop de requêtes : réessayez plus tard.")
        )
        return responses
