-- One send TODAY (before the write-path rebuild), as the server writes it: three journal rows, each in a transaction
-- of its own (Akka.Persistence.Sql: BEGIN; INSERT INTO journal ...; COMMIT), read from the journal of a real send:
--   conversation-<id>  cv-sent      ~430 bytes  the message event of the conversation
--   inbox-<sender>     ib-recorded  ~370 bytes  the sender's inbox summary
--   inbox-<recipient>  ib-recorded  ~440 bytes  the recipient's inbox summary (grows with its unread-id array)
-- Persistence ids are random (as UUIDs are), sequence numbers small; `created` is .NET ticks, as the plugin writes it.
\set conversation random(1, 9000000000000000000)
\set sender random(1, 9000000000000000000)
\set recipient random(1, 9000000000000000000)
\set seq random(1, 200)
INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
VALUES ((extract(epoch from clock_timestamp()) * 10000000)::bigint + 621355968000000000, false, 'conversation-bench-' || :conversation, :seq,
        decode(repeat('7b', 430), 'hex'), 'cv-sent', 4711, '385d07d5d84f4553acd54f28fd2d347b');
INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
VALUES ((extract(epoch from clock_timestamp()) * 10000000)::bigint + 621355968000000000, false, 'inbox-bench-' || :sender, :seq,
        decode(repeat('7b', 370), 'hex'), 'ib-recorded', 4711, '385d07d5d84f4553acd54f28fd2d347b');
INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
VALUES ((extract(epoch from clock_timestamp()) * 10000000)::bigint + 621355968000000000, false, 'inbox-bench-' || :recipient, :seq,
        decode(repeat('7b', 440), 'hex'), 'ib-recorded', 4711, '385d07d5d84f4553acd54f28fd2d347b');
