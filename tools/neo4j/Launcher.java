// A throwaway Neo4j 5 server for kamgraph's tests: Neo4j Community embedded in this JVM,
// with its Bolt connector on 127.0.0.1, auth on (a generated password, as in production),
// the page cache capped and a data folder that is deleted when it stops.
//
//   java -Xmx768m -cp 'lib/*' Launcher.java [DATA_DIR]
//
// Prints one line once Bolt accepts logins, then runs until SIGTERM/SIGINT:
//   ready NEO4J_URI=bolt://127.0.0.1:PORT NEO4J_USER=neo4j NEO4J_PASSWORD=...
// Source-file launch (Java 11+): nothing is built or committed.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

public class Launcher {
    private static final long PAGE_CACHE_BYTES = 64L * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        Path home = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("kamgraph-neo4j-");
        boolean throwaway = args.length == 0;
        String password = newPassword();

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                // Port 0: the OS picks a free one; the port register tells us which.
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, PAGE_CACHE_BYTES)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            if (throwaway) {
                deleteTree(home);
            }
            stopped.countDown();
        }, "neo4j-shutdown"));

        // Embedded transactions run with full rights: set the password before anyone can
        // log in with the default one (Bolt answers only once this line is printed).
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        var bolt = db.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        System.out.printf(
                "ready NEO4J_URI=bolt://%s:%d NEO4J_USER=neo4j NEO4J_PASSWORD=%s%n",
                bolt.getHost(), bolt.getPort(), password);
        System.out.flush();
        stopped.await();
    }

    private static String newPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
