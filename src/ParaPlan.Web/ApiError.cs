using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ParaPlan.Input;
using ParaPlan.Service;

namespace ParaPlan.Web;

/// <summary>
/// The web API's error document: <c>{"error": {"status", "file", "field", "line", "message"}}</c>, the same facts the
/// command line prints on one line for bad input (the file, the field, the problem).
/// </summary>
internal sealed record ApiError(int Status, string? File, string? Field, int? Line, string Message)
{
    public static ApiError From(InputException ex) => new(
        StatusCodes.Status400BadRequest,
        string.IsNullOrEmpty(ex.File) ? null : ex.File,
        string.IsNullOrEmpty(ex.Field) ? null : ex.Field,
        ex.Line > 0 ? ex.Line : null,
        ex.Message);

    public IResult ToResult() => Results.Content(
        JsonSerializer.Serialize(new { error = this }, ContractJson.Options),
        "application/json",
        statusCode: Status);

    public Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = this }, ContractJson.Options), context.RequestAborted);
    }
}
