using Pim.Api.Http.Values;

namespace Pim.Api.Features.Approvals;

public sealed record DecisionRequest(Justification Justification);
