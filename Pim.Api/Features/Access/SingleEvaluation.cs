using System.Diagnostics;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Infrastructure;

namespace Pim.Api.Features.Access;

/// <summary>
/// The single evaluation, the hot path, without a DI scope per request (issue 27). ASP.NET Core makes a request's scope the
/// first time anything resolves a service from it — a handler's service parameter, a typed result writing its answer — and
/// disposes it when the request ends; an evaluation the grant index answers needs none of it. Its own unit of work
/// (<see cref="AccessServiceFactory.Session"/>) opens a connection only when the store must answer, and its caller is
/// resolved exactly as every endpoint's is (<see cref="CurrentCaller.ResolveAsync(HttpContext, string, AccessService, IServiceProvider)"/>).
/// </summary>
public sealed class SingleEvaluation(AccessServiceFactory factory, IServiceProvider services)
{
    public async ValueTask<EvaluationResponse> EvaluateAsync(EvaluationRequest body, HttpContext http, CancellationToken ct)
    {
        await using var db = factory.Session();
        var access = factory.Create(db);
        var caller = await CurrentCaller.ResolveAsync(http, CurrentCaller.PathTenantOf(http), access, services);
        return EvaluationResponse.From(body, await PimTelemetry.Evaluation(Stopwatch.GetTimestamp(),
            access.EvaluateAsync(caller, body.PrincipalId.Text, body.RoleId.Text, body.Scope?.Text ?? ScopePath.Root, ct)));
    }
}
