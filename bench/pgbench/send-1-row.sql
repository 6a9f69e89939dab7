-- One send AFTER the write-path rebuild (issue 8): one durable journal row per message, the conversation's event
-- (~430 bytes), in a transaction of its own. Same columns and id scheme as send-3-rows.sql. If the rebuilt journal
-- also writes a row per event tag (Akka.Persistence.Sql's `tags` table), add that insert here in the same transaction.
\set conversation random(1, 9000000000000000000)
\set seq random(1, 200)
INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
VALUES ((extract(epoch from clock_timestamp()) * 10000000)::bigint + 621355968000000000, false, 'conversation-bench-' || :conversation, :seq,
        decode(repeat('7b', 430), 'hex'), 'cv-sent', 4711, '385d07d5d84f4553acd54f28fd2d347b');
