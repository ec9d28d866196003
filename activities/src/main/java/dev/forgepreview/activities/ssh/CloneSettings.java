package dev.forgepreview.activities.ssh;

import java.util.List;

/**
 * How the clone and the Redis flush run on the servers. Null or zero fields take the defaults in
 * brackets, which fit a Forge server.
 *
 * @param previewSshUser the SSH user on preview servers [{@code forge}]
 * @param previewSshPort the SSH port of preview servers [22]
 * @param masterMysql MySQL as seen from the master's SSH host [127.0.0.1:3306]
 * @param previewMysql MySQL as seen from the preview server [127.0.0.1:3306]
 * @param dumpCommand the dump program [{@code mysqldump}]; MariaDB ships {@code mariadb-dump}
 * @param clientCommand the client program [{@code mysql}]; MariaDB ships {@code mariadb}
 * @param redisCliCommand the Redis client [{@code redis-cli}]
 * @param extraDumpOptions more {@code --name[=value]} options for the dump, e.g. {@code
 *     --set-gtid-purged=OFF} for MySQL 8 masters with GTIDs [none]
 * @param copyBufferBytes the buffer the worker copies the stream through [64 KiB]
 */
public record CloneSettings(
    String previewSshUser,
    int previewSshPort,
    MysqlAddress masterMysql,
    MysqlAddress previewMysql,
    String dumpCommand,
    String clientCommand,
    String redisCliCommand,
    List<String> extraDumpOptions,
    int copyBufferBytes) {

  /** Where MySQL listens, from the point of view of the server the command runs on. */
  public record MysqlAddress(String host, int port) {
    public static final MysqlAddress LOCAL = new MysqlAddress("127.0.0.1", 3306);

    public MysqlAddress {
      SafeNames.requireHost(host);
      SafeNames.requirePort(port);
    }
  }

  public CloneSettings {
    previewSshUser = previewSshUser == null ? "forge" : previewSshUser;
    previewSshPort = previewSshPort == 0 ? 22 : previewSshPort;
    masterMysql = masterMysql == null ? MysqlAddress.LOCAL : masterMysql;
    previewMysql = previewMysql == null ? MysqlAddress.LOCAL : previewMysql;
    dumpCommand = dumpCommand == null ? "mysqldump" : dumpCommand;
    clientCommand = clientCommand == null ? "mysql" : clientCommand;
    redisCliCommand = redisCliCommand == null ? "redis-cli" : redisCliCommand;
    extraDumpOptions = extraDumpOptions == null ? List.of() : List.copyOf(extraDumpOptions);
    copyBufferBytes = copyBufferBytes <= 0 ? 64 * 1024 : copyBufferBytes;
    SafeNames.requireSshUser(previewSshUser);
    SafeNames.requirePort(previewSshPort);
    SafeNames.requireCommand(dumpCommand);
    SafeNames.requireCommand(clientCommand);
    SafeNames.requireCommand(redisCliCommand);
    extraDumpOptions.forEach(SafeNames::requireDumpOption);
  }

  /** Every default. */
  public static CloneSettings defaults() {
    return new CloneSettings(null, 0, null, null, null, null, null, null, 0);
  }

  public CloneSettings withCommands(String dump, String client, String redisCli) {
    return new CloneSettings(
        previewSshUser,
        previewSshPort,
        masterMysql,
        previewMysql,
        dump,
        client,
        redisCli,
        extraDumpOptions,
        copyBufferBytes);
  }

  public CloneSettings withPreviewSsh(String user, int port) {
    return new CloneSettings(
        user,
        port,
        masterMysql,
        previewMysql,
        dumpCommand,
        clientCommand,
        redisCliCommand,
        extraDumpOptions,
        copyBufferBytes);
  }

  public CloneSettings withMysql(MysqlAddress master, MysqlAddress preview) {
    return new CloneSettings(
        previewSshUser,
        previewSshPort,
        master,
        preview,
        dumpCommand,
        clientCommand,
        redisCliCommand,
        extraDumpOptions,
        copyBufferBytes);
  }
}
