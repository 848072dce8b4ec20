"""API tokens for integrations: obtain one with a password, list and revoke your own."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planportal.api.caching import NoStoreMixin
from planportal.api.exceptions import LockedOut
from planportal.login import lockout
from planportal.login.forms import locked_message
from planportal.token_models import ApiToken
from planportal.tokens import issue_token, revoke_token


class TokenObtainSerializer(serializers.Serializer):
    """Credentials and the integration a new token is for."""

    username = serializers.CharField(write_only=True)
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    name = serializers.CharField(
        max_length=100, help_text=_("The integration the token is for, e.g. “Power BI”.")
    )
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Days until the token expires; without it the token does not expire."),
    )
    otp_code = serializers.CharField(
        write_only=True,
        required=False,
        max_length=20,
        help_text=_("The current code from the authenticator app, if the account uses one."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Check the password (under the login lockout) and, if the user has TOTP, the code.

        The same message whether the user is unknown or inactive. A wrong code counts in
        the lockout like a wrong password (the login page's rule, the same function), and
        the attempt that reaches the limit is already answered with 429.
        """
        request = self.context.get("request")
        user = authenticate(request=request, username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            self._refuse_if_locked(request, attrs["username"])
            raise serializers.ValidationError(
                _("Unable to sign in with the given username and password."),
                code="authorization",
            )
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            code = attrs.get("otp_code", "")
            if not TOTP(totp).validate_code(code):
                if code:  # a missing code is no guess; the client learns it needs one
                    lockout.record_code_failure(request, user)
                    self._refuse_if_locked(request, attrs["username"])
                raise serializers.ValidationError(
                    {"otp_code": _("Enter the current code from your authenticator app.")},
                    code="authorization",
                )
            # Only now, with the code right too, are the account's failures forgotten.
            lockout.record_success(user.get_username())
        attrs["user"] = user
        return attrs

    @staticmethod
    def _refuse_if_locked(request: Request | None, username: str) -> None:
        """429 with Retry-After while the account name or the address is locked."""
        until = lockout.locked_until(username, lockout.client_address(request))
        if until is not None:
            # Retry-After: a client that backs off waits exactly long enough.
            raise LockedOut(
                wait=max(1, math.ceil((until - timezone.now()).total_seconds())),
                detail=locked_message(lockout.lockout_minutes(until)),
            )


class TokenIssuedSerializer(serializers.Serializer):
    """A newly issued token: the only time the plain token is shown."""

    id = serializers.IntegerField(read_only=True)
    token = serializers.CharField(
        read_only=True, help_text=_("Store it now: it is shown only this once.")
    )
    name = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it later: the prefix, never the token or its hash."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_prefix", "created_at", "expires_at", "last_used_at",
                  "revoked_at"]
        read_only_fields = fields


class ObtainTokenView(NoStoreMixin, APIView):
    """Exchange a username and password for a new API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = TokenObtainSerializer

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            201: TokenIssuedSerializer,
            400: OpenApiResponse(description="Wrong username or password, a missing or "
                                             "wrong otp_code, or invalid input."),
            429: OpenApiResponse(description="Locked after too many failed attempts (wrong "
                                             "passwords and wrong codes alike); Retry-After "
                                             "gives the seconds left."),
        },
    )
    def post(self, request: Request) -> Response:
        """Check the credentials and issue a token; the plain token is in this answer only."""
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        days = data.get("expires_in_days")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        token, raw = issue_token(
            actor=data["user"], user=data["user"], name=data["name"], expires_at=expires_at
        )
        body = {"id": token.pk, "token": raw, "name": token.name, "expires_at": token.expires_at}
        return Response(TokenIssuedSerializer(body).data, status=status.HTTP_201_CREATED)


class ApiTokenListView(NoStoreMixin, generics.ListAPIView):
    """The signed-in user's own API tokens, revoked ones included; never cached."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "expires_at", "last_used_at", "name", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        """Only the requesting user's tokens."""
        return ApiToken.objects.filter(user_id=self.request.user.pk)


class RevokeApiTokenView(APIView):
    """Revoke one of your own API tokens; it stops working at once."""

    permission_classes = [IsAuthenticated]
    queryset = ApiToken.objects.all()

    @extend_schema(
        request=None,
        responses={
            200: ApiTokenSerializer,
            404: OpenApiResponse(description="No such token among your own."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Revoke the token; revoking it again is harmless."""
        token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk,
                                  user_id=request.user.pk)
        token = revoke_token(actor=request.user, token=token)
        return Response(ApiTokenSerializer(token).data)
