package dev.riposte.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The control answers on the wire: "ok" first, snake_case names, and fields a reader does not know ignored. */
class ControlTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAnswer_isOkFirst_thenItsFieldsInSnakeCase() {
        assertEquals(
                "{\"ok\":true,\"received\":1,\"rejected\":2,\"dropped\":3,\"deduplicated\":4,\"done\":5,\"queue_depth\":6}",
                Control.ok(new Control.Events(1, 2, 3, 4, 5, 6)).toString());
        assertEquals(
                "{\"ok\":false,\"code\":-1,\"error\":\"refused\"}",
                Control.answer(false, new Control.Result(-1, "refused")).toString());
        assertEquals(
                "{\"ok\":true,\"code\":0}",
                Control.answer(true, new Control.Result(0, null)).toString());
    }

    @Test
    void aReader_ignoresFieldsItDoesNotKnow() throws Exception {
        assertEquals(
                new Control.Latency(1, 2, 3, 4, 5),
                Control.read(
                        JSON.readTree("{\"ok\":true,\"count\":1,\"p50\":2,\"p90\":3,\"p99\":4,\"max\":5,\"p999\":6}"),
                        Control.Latency.class));
    }
}
