using Pim.Domain;

namespace Pim.Api.Features.Access;

public sealed record EvaluationRequest(string PrincipalId, string RoleId, string? Scope = null);

public sealed record EvaluationResponse(string Decision, string PrincipalId, string RoleId, string Scope, DateTimeOffset? ValidUntil,
    string? AssignmentId, string? ActivationRequestId);

public sealed record ActiveRoleResponse(string RoleId, string Scope, DateTimeOffset? ValidUntil, string Source, string AssignmentId,
    string? ActivationRequestId, string? ViaGroupId)
{
    public static ActiveRoleResponse From(Grant g, string principalId) => new(g.RoleId, g.Scope, g.ValidUntil,
        g.ActivationRequestId is null ? "activeAssignment" : "activation", g.AssignmentId, g.ActivationRequestId,
        g.ViaPrincipalId == principalId ? null : g.ViaPrincipalId);
}

public sealed record ActiveRoleListResponse(IReadOnlyList<ActiveRoleResponse> Items);
