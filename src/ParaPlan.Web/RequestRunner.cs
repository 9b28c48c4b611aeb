using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ParaPlan.Input;

namespace ParaPlan.Web;

/// <summary>
/// Runs one API request's work within the server's limits: the body read up to <see cref="WebOptions.MaxBodyBytes"/>
/// (413 beyond), the work on the thread pool with a token that fires when the client goes away or
/// <see cref="WebOptions.TimeLimit"/> passes (503 with the limit named), bad input as 400 naming the field, and any
/// other failure as a 500 that says so without a stack trace.
/// </summary>
internal sealed class RequestRunner(WebOptions options)
{
    public const string BodyName = "request body";

    private static int _abandoned;

    private int _computing;

    /// <summary>Computations stopped because their client went away, since the process started.</summary>
    public static int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>This server's requests computing now (past the concurrency limiter and the body read).</summary>
    public int Computing => Volatile.Read(ref _computing);

    public async Task<IResult> Run(HttpContext context, Func<string, CancellationToken, IResult> work)
    {
        string body;
        try
        {
            body = await ReadBody(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            string message = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? string.Create(CultureInfo.InvariantCulture, $"the request body is larger than the {options.MaxBodyBytes:#,0} bytes this server accepts; a scenario is a few kilobytes (inline a config.json's architecture keys, not its weights index).")
                : ex.Message;
            return new ApiError(ex.StatusCode, BodyName, null, null, message).ToResult();
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        limit.CancelAfter(options.TimeLimit);
        Interlocked.Increment(ref _computing);
        try
        {
            return await Task.Run(
                () =>
                {
                    IResult result = work(body, limit.Token);
                    // A client that left (or a limit that passed) while the last steps ran, which do not look at the
                    // token, gets no answer either: the work counts as stopped.
                    limit.Token.ThrowIfCancellationRequested();
                    return result;
                },
                limit.Token).ConfigureAwait(false);
        }
        catch (InputException ex)
        {
            return ApiError.From(ex).ToResult();
        }
        catch (Exception ex) when (IsCancellation(ex) && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the search stopped; nobody reads an answer.
            Interlocked.Increment(ref _abandoned);
            return Results.Empty;
        }
        catch (Exception ex) when (IsCancellation(ex))
        {
            return new ApiError(
                StatusCodes.Status503ServiceUnavailable, null, null, null,
                string.Create(CultureInfo.InvariantCulture, $"the computation passed this server's time limit of {options.TimeLimit.TotalSeconds:0.###} s and was stopped; narrow the search (fewer GPUs in hardware.gpus, a stated concurrency instead of max, no engine: any) or start the server with a longer --time-limit.")).ToResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new ApiError(
                StatusCodes.Status500InternalServerError, null, null, null,
                InputException.OneLine($"internal error ({ex.GetType().Name}): {ex.Message}. Please report it with the scenario that caused it.")).ToResult();
        }
        finally
        {
            Interlocked.Decrement(ref _computing);
        }
    }

    /// <summary>
    /// A stop by the token: an <see cref="OperationCanceledException"/>, or one thrown inside a parallel loop's body,
    /// which the loop wraps in an <see cref="AggregateException"/>.
    /// </summary>
    private static bool IsCancellation(Exception ex) => ex switch
    {
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.All(e => e is OperationCanceledException),
        _ => false,
    };

    private static async Task<string> ReadBody(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
