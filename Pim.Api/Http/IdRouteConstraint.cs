namespace Pim.Api.Http;

/// <summary>Route constraint for ids in paths: a malformed id cannot name anything, so it answers 404.</summary>
public sealed class IdRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string s && Rules.IsId(s);
}
