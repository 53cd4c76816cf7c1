using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Conversation;

public class ChatJsonlTests
{
    private const string CallWeather = """{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}""";

    [Test]
    public async Task A_line_with_string_content_becomes_a_text_message()
    {
        var messages = Read("""{"role":"user","content":"Hello, Paris!"}""");

        await Assert.That(messages.Count).IsEqualTo(1);
        var m = messages[0];
        await Assert.That(m.Message.Role).IsEqualTo(ChatRole.User);
        await Assert.That(m.Message.Contents.Count).IsEqualTo(1);
        await Assert.That(m.Message.Contents[0]).IsTypeOf<TextContent>();
        await Assert.That(m.Message.Text).IsEqualTo("Hello, Paris!");
        await Assert.That(m.Message.AuthorName).IsNull();
        await Assert.That(m.Pinned).IsFalse();
        await Assert.That(m.Line).IsEqualTo(1);
        await Assert.That(m.Id).IsEqualTo("1");
    }

    [Test]
    [Arguments("system", "system")]
    [Arguments("developer", "system")]
    [Arguments("user", "user")]
    [Arguments("assistant", "assistant")]
    [Arguments("Assistant", "assistant")]
    [Arguments(" USER ", "user")]
    public async Task Roles_are_read_case_insensitively_and_developer_means_system(string role, string expected)
    {
        var messages = Read($$"""{"role":"{{role}}","content":"x"}""");

        await Assert.That(messages[0].Message.Role.Value).IsEqualTo(expected);
    }

    [Test]
    public async Task An_assistant_line_with_null_content_and_tool_calls_holds_only_the_calls()
    {
        var messages = Read(CallWeather, """{"role":"tool","tool_call_id":"call_1","content":"18 °C, cloudy"}""");

        var calls = messages[0].Message.Contents;
        await Assert.That(calls.Count).IsEqualTo(1);
        var call = (FunctionCallContent)calls[0];
        await Assert.That(call.CallId).IsEqualTo("call_1");
        await Assert.That(call.Name).IsEqualTo("get_weather");
        await Assert.That(((JsonElement)call.Arguments!["city"]!).GetString()).IsEqualTo("Paris");
        await Assert.That(messages[0].Message.Text).IsEqualTo(string.Empty);

        var result = (FunctionResultContent)messages[1].Message.Contents.Single();
        await Assert.That(messages[1].Message.Role).IsEqualTo(ChatRole.Tool);
        await Assert.That(result.CallId).IsEqualTo("call_1");
        await Assert.That(result.Result).IsEqualTo("18 °C, cloudy");
    }

    [Test]
    public async Task Parallel_tool_calls_are_read_with_their_nested_arguments_and_results_in_any_order()
    {
        var messages = Read(
            """{"role":"user","content":"Weather and hotels in Tokyo?"}""",
            """{"role":"assistant","content":"Checking both.","tool_calls":[{"id":"w","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"東京\",\"days\":[1,2],\"opts\":{\"units\":\"metric\",\"wind\":true}}"}},{"id":"h","type":"function","function":{"name":"search_hotels","arguments":"{\"filters\":{\"stars\":{\"min\":4}},\"limit\":3}"}}]}""",
            """{"role":"tool","tool_call_id":"h","content":"Park Hyatt"}""",
            """{"role":"tool","tool_call_id":"w","content":"Sunny"}""");

        var contents = messages[1].Message.Contents;
        await Assert.That(contents.Select(c => c.GetType().Name).ToArray().Length).IsEqualTo(3);
        await Assert.That(contents[0]).IsTypeOf<TextContent>();
        await Assert.That(((TextContent)contents[0]).Text).IsEqualTo("Checking both.");
        var weather = (FunctionCallContent)contents[1];
        var hotels = (FunctionCallContent)contents[2];
        await Assert.That(weather.CallId).IsEqualTo("w");
        await Assert.That(hotels.CallId).IsEqualTo("h");
        var args = weather.Arguments!;
        await Assert.That(((JsonElement)args["city"]!).GetString()).IsEqualTo("東京");
        await Assert.That(((JsonElement)args["days"]!).GetArrayLength()).IsEqualTo(2);
        await Assert.That(((JsonElement)args["opts"]!).GetProperty("wind").GetBoolean()).IsTrue();
        await Assert.That(((JsonElement)hotels.Arguments!["filters"]!).GetProperty("stars").GetProperty("min").GetInt32()).IsEqualTo(4);
        await Assert.That(((JsonElement)hotels.Arguments!["limit"]!).GetInt32()).IsEqualTo(3);

        var first = (FunctionResultContent)messages[2].Message.Contents.Single();
        var second = (FunctionResultContent)messages[3].Message.Contents.Single();
        await Assert.That(first.CallId).IsEqualTo("h");
        await Assert.That(first.Result).IsEqualTo("Park Hyatt");
        await Assert.That(second.CallId).IsEqualTo("w");
        await Assert.That(second.Result).IsEqualTo("Sunny");
    }

    [Test]
    [Arguments("")]
    [Arguments("   ")]
    [Arguments("{}")]
    public async Task A_call_with_empty_arguments_has_no_arguments(string arguments)
    {
        var messages = Read($$$"""{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"now","arguments":{{{JsonSerializer.Serialize(arguments)}}}}}]}""");

        var call = (FunctionCallContent)messages[0].Message.Contents.Single();
        await Assert.That(call.Arguments).IsNotNull();
        await Assert.That(call.Arguments!.Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_call_id_can_be_used_again_once_it_was_answered()
    {
        var messages = Read(CallWeather, """{"role":"tool","tool_call_id":"call_1","content":"a"}""", CallWeather, """{"role":"tool","tool_call_id":"call_1","content":"b"}""");

        await Assert.That(messages.Count).IsEqualTo(4);
    }

    [Test]
    public async Task Content_arrays_keep_text_and_image_parts_in_order()
    {
        var messages = Read(
            """{"role":"user","content":[{"type":"text","text":"What is "},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}},{"type":"text","text":"this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}""");

        var contents = messages[0].Message.Contents;
        await Assert.That(contents.Count).IsEqualTo(4);
        await Assert.That(((TextContent)contents[0]).Text).IsEqualTo("What is ");
        var uri = (UriContent)contents[1];
        await Assert.That(uri.Uri).IsEqualTo(new Uri("https://example.com/cat.png"));
        await Assert.That(uri.MediaType).IsEqualTo("image/*");
        await Assert.That(((TextContent)contents[2]).Text).IsEqualTo("this?");
        var data = (DataContent)contents[3];
        await Assert.That(data.MediaType).IsEqualTo("image/png");
        await Assert.That(data.Data.Length).IsGreaterThan(0);
        await Assert.That(messages[0].Message.Text).IsEqualTo("What is this?");
    }

    [Test]
    public async Task A_tool_result_given_as_text_parts_is_joined()
    {
        var messages = Read(CallWeather, """{"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"18 °C"},{"type":"text","text":", cloudy"}]}""");

        await Assert.That(((FunctionResultContent)messages[1].Message.Contents.Single()).Result).IsEqualTo("18 °C, cloudy");
    }

    [Test]
    public async Task Name_becomes_the_author_name()
    {
        var messages = Read("""{"role":"user","name":"alice","content":"hi"}""", """{"role":"user","name":"","content":"hi"}""");

        await Assert.That(messages[0].Message.AuthorName).IsEqualTo("alice");
        await Assert.That(messages[1].Message.AuthorName).IsNull();
    }

    [Test]
    public async Task Ids_may_be_strings_or_numbers_and_default_to_the_line_number()
    {
        var messages = Read(
            """{"role":"system","content":"s","id":"greeting"}""",
            """{"role":"user","content":"u","id":42}""",
            """{"role":"assistant","content":"a"}""",
            """{"role":"user","content":"u2","id":null}""");

        await Assert.That(string.Join(",", messages.Select(m => m.Id))).IsEqualTo("greeting,42,3,4");
        await Assert.That(string.Join(",", messages.Select(m => m.Line))).IsEqualTo("1,2,3,4");
    }

    [Test]
    public async Task Pinned_lines_are_marked_pinned()
    {
        var messages = Read(
            """{"role":"user","content":"keep me","pinned":true}""",
            """{"role":"user","content":"not me","pinned":false}""",
            """{"role":"user","content":"nor me"}""");

        await Assert.That(string.Join(",", messages.Select(m => m.Pinned))).IsEqualTo("True,False,False");
    }

    [Test]
    public async Task Blank_lines_are_skipped_but_still_counted()
    {
        var messages = ChatJsonl.Read(new StringReader("\n{\"role\":\"system\",\"content\":\"s\"}\n   \n\t\n{\"role\":\"user\",\"content\":\"u\"}\n\n"));

        await Assert.That(messages.Count).IsEqualTo(2);
        await Assert.That(messages[0].Line).IsEqualTo(2);
        await Assert.That(messages[0].Id).IsEqualTo("2");
        await Assert.That(messages[1].Line).IsEqualTo(5);
        await Assert.That(messages[1].Id).IsEqualTo("5");
    }

    [Test]
    public async Task Windows_line_endings_are_accepted()
    {
        var messages = ChatJsonl.Read(new StringReader("{\"role\":\"system\",\"content\":\"s\"}\r\n\r\n{\"role\":\"user\",\"content\":\"u\"}\r\n"));

        await Assert.That(string.Join(",", messages.Select(m => m.Id))).IsEqualTo("1,3");
    }

    [Test]
    public async Task An_empty_reader_yields_no_messages()
    {
        await Assert.That(ChatJsonl.Read(new StringReader(string.Empty)).Count).IsEqualTo(0);
        await Assert.That(ChatJsonl.Read(new StringReader("\n\n  \n")).Count).IsEqualTo(0);
    }

    [Test]
    public async Task ReadFile_reads_utf8_with_a_byte_order_mark()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fm-jsonl-{Guid.NewGuid():N}.jsonl");
        try
        {
            await File.WriteAllTextAsync(path, "{\"role\":\"user\",\"content\":\"東京 🌸\"}\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            var messages = ChatJsonl.ReadFile(path);

            await Assert.That(messages.Single().Message.Text).IsEqualTo("東京 🌸");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task ReadFile_of_a_missing_file_throws_FileNotFoundException_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fm-jsonl-missing-{Guid.NewGuid():N}.jsonl");

        var ex = await Assert.That(() => ChatJsonl.ReadFile(path)).Throws<FileNotFoundException>();

        await Assert.That(ex!.Message).Contains(path);
    }

    // ---- errors: every FormatException starts with "line N:" ----

    [Test]
    public async Task Invalid_json_names_the_line()
    {
        var ex = await AssertFailsAsync(3, "is not valid JSON", """{"role":"system","content":"s"}""", "", """{"role":"user","content":""");

        await Assert.That(ex.InnerException).IsTypeOf<JsonException>();
    }

    [Test]
    [Arguments("not json at all")]
    [Arguments("{\"role\":\"user\"} trailing")]
    public async Task Lines_that_are_not_a_json_object_name_the_line(string line)
    {
        await AssertFailsAsync(2, "is not valid JSON", """{"role":"user","content":"ok"}""", line);
    }

    [Test]
    [Arguments("[1,2,3]", "JSON object")]
    [Arguments("""{"role":"user","content":"hi","pinned":"yes"}""", "pinned")]
    [Arguments("""{"role":5,"content":"hi"}""", "role")]
    [Arguments("""{"role":"assistant","tool_calls":{"id":"c"}}""", "tool_calls")]
    public async Task Valid_json_of_the_wrong_shape_is_not_reported_as_invalid_json(string line, string subject)
    {
        // The line parses as JSON; the problem is its shape. "not valid JSON (The JSON value could not be converted
        // to System.Boolean...)" misdirects the user and leaks .NET type names.
        var ex = await AssertFailsAsync(1, subject, line);

        await Assert.That(ex.Message).DoesNotContain("not valid JSON");
        await Assert.That(ex.Message).DoesNotContain("System.");
    }

    [Test]
    public async Task A_json_null_line_names_the_line()
    {
        await AssertFailsAsync(1, "'null'", "null");
    }

    [Test]
    public async Task An_unknown_role_names_the_line_and_the_role()
    {
        var ex = await AssertFailsAsync(2, "role 'robot' is unknown", """{"role":"user","content":"u"}""", """{"role":"robot","content":"beep"}""");

        await Assert.That(ex.Message).Contains("system, user, assistant or tool");
    }

    [Test]
    [Arguments("""{"content":"no role"}""")]
    [Arguments("""{"role":"","content":"empty role"}""")]
    [Arguments("""{"role":null,"content":"null role"}""")]
    public async Task A_missing_role_names_the_line(string line)
    {
        await AssertFailsAsync(1, "has no \"role\"", line);
    }

    [Test]
    public async Task A_tool_message_without_tool_call_id_names_the_line()
    {
        await AssertFailsAsync(2, "tool message without \"tool_call_id\"", CallWeather, """{"role":"tool","content":"18 °C"}""");
    }

    [Test]
    public async Task A_tool_result_for_an_unknown_call_names_the_line_and_the_call()
    {
        await AssertFailsAsync(2, "answers tool call 'call_9'", CallWeather, """{"role":"tool","tool_call_id":"call_9","content":"?"}""");
    }

    [Test]
    public async Task A_tool_result_for_an_already_answered_call_names_the_line()
    {
        var ex = await AssertFailsAsync(
            3,
            "answers tool call 'call_1'",
            CallWeather,
            """{"role":"tool","tool_call_id":"call_1","content":"first"}""",
            """{"role":"tool","tool_call_id":"call_1","content":"again"}""");

        await Assert.That(ex.Message).Contains("already answered");
    }

    [Test]
    public async Task A_tool_result_before_its_call_names_the_line()
    {
        await AssertFailsAsync(1, "answers tool call 'call_1'", """{"role":"tool","tool_call_id":"call_1","content":"early"}""", CallWeather);
    }

    [Test]
    public async Task A_duplicate_id_names_both_lines()
    {
        var ex = await AssertFailsAsync(
            4,
            "id 'greeting' is already used on line 1",
            """{"role":"system","content":"s","id":"greeting"}""",
            """{"role":"user","content":"u"}""",
            "",
            """{"role":"assistant","content":"a","id":"greeting"}""");

        await Assert.That(ex.Message).Contains("unique");
    }

    [Test]
    public async Task An_explicit_id_that_collides_with_a_later_default_line_number_id_names_both_lines()
    {
        await AssertFailsAsync(2, "id '2' is already used on line 1", """{"role":"user","content":"u","id":2}""", """{"role":"assistant","content":"a"}""");
    }

    [Test]
    [Arguments("user")]
    [Arguments("system")]
    public async Task Tool_calls_on_a_non_assistant_message_name_the_line(string role)
    {
        await AssertFailsAsync(
            1,
            "only assistant messages can have \"tool_calls\"",
            $$$"""{"role":"{{{role}}}","content":"x","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}""");
    }

    [Test]
    [Arguments("[1,2]")]
    [Arguments("42")]
    [Arguments("\"text\"")]
    [Arguments("{\"city\":")]
    [Arguments("city=Paris")]
    public async Task Arguments_that_are_not_a_json_object_name_the_line_and_the_call(string arguments)
    {
        var ex = await AssertFailsAsync(
            2,
            "the arguments of call 'c7' (get_weather) are not a JSON object",
            """{"role":"user","content":"u"}""",
            $$$"""{"role":"assistant","tool_calls":[{"id":"c7","type":"function","function":{"name":"get_weather","arguments":{{{JsonSerializer.Serialize(arguments)}}}}}]}""");

        await Assert.That(ex.InnerException).IsTypeOf<JsonException>();
    }

    [Test]
    [Arguments("true")]
    [Arguments("\"\"")]
    [Arguments("{}")]
    [Arguments("[1]")]
    public async Task An_id_of_the_wrong_type_names_the_line(string id)
    {
        await AssertFailsAsync(2, "\"id\" must be a non-empty string or a number", """{"role":"user","content":"u"}""", $$"""{"role":"assistant","content":"a","id":{{id}}}""");
    }

    [Test]
    [Arguments("42")]
    [Arguments("true")]
    [Arguments("{\"text\":\"hi\"}")]
    public async Task Content_of_the_wrong_type_names_the_line(string content)
    {
        await AssertFailsAsync(1, "\"content\" must be a string, null, or an array of parts", $$"""{"role":"user","content":{{content}}}""");
    }

    [Test]
    [Arguments("""{"type":"audio","audio":"x"}""")]
    [Arguments("""{"type":"text"}""")]
    [Arguments("""{"type":"image_url","image_url":{}}""")]
    [Arguments("\"bare string\"")]
    [Arguments("""{"type":"text","text":7}""")]
    public async Task An_unsupported_content_part_names_the_line(string part)
    {
        await AssertFailsAsync(1, "content part is not a text or image_url part", $$"""{"role":"user","content":[{{part}}]}""");
    }

    [Test]
    [Arguments("""{"type":"image_url","image_url":"https://example.com/cat.png"}""")]
    [Arguments("""{"type":5,"text":"typed by number"}""")]
    [Arguments("""{"type":null,"text":"typed by null"}""")]
    public async Task A_content_part_whose_fields_have_the_wrong_json_type_names_the_line(string part)
    {
        // A shape mistake in the file must be a FormatException naming the line, not an InvalidOperationException
        // from JsonElement escaping the reader (fmem would crash with a stack trace instead of exit code 2).
        await AssertFailsAsync(1, "content part is not a text or image_url part", $$"""{"role":"user","content":[{"type":"text","text":"ok"},{{part}}]}""");
    }

    [Test]
    public async Task A_relative_image_url_names_the_line()
    {
        await AssertFailsAsync(1, "is not an absolute URI", """{"role":"user","content":[{"type":"image_url","image_url":{"url":"images/cat.png"}}]}""");
    }

    [Test]
    public async Task A_tool_call_without_a_function_name_names_the_line()
    {
        await AssertFailsAsync(1, "has no \"function.name\"", """{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]}""");
    }

    [Test]
    public async Task A_tool_call_without_an_id_names_the_line_and_the_function()
    {
        await AssertFailsAsync(1, "the call to 'get_weather' has no \"id\"", """{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"get_weather","arguments":"{}"}}]}""");
    }

    [Test]
    public async Task A_call_id_reused_while_still_open_names_the_line()
    {
        await AssertFailsAsync(2, "tool call id 'call_1' is used by an earlier call that was not answered", CallWeather, CallWeather);
    }

    private static IReadOnlyList<ChatJsonlMessage> Read(params string[] lines) =>
        ChatJsonl.Read(new StringReader(string.Join("\n", lines)));

    private static async Task<FormatException> AssertFailsAsync(int line, string fragment, params string[] lines)
    {
        var ex = await Assert.That(() => Read(lines)).Throws<FormatException>();

        await Assert.That(ex).IsNotNull();
        await Assert.That(ex!.Message).StartsWith($"line {line}: ");
        await Assert.That(ex.Message).Contains(fragment);
        return ex;
    }
}
