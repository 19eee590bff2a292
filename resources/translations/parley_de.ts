<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ChatView</name>
    <message>
        <source>S&amp;end</source>
        <translation type="vanished">S&amp;enden</translation>
    </message>
</context>
<context>
    <name>MeetingWindow</name>
    <message>
        <source>&amp;Mute</source>
        <translation type="vanished">&amp;Stummschalten</translation>
    </message>
    <message>
        <source>&amp;Camera</source>
        <translation type="vanished">&amp;Kamera</translation>
    </message>
    <message>
        <source>S&amp;hare screen</source>
        <translation type="vanished">Bildschirm &amp;teilen</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation type="vanished">Ein&amp;stellungen…</translation>
    </message>
    <message>
        <source>&amp;Leave</source>
        <translation type="vanished">&amp;Verlassen</translation>
    </message>
    <message>
        <source>Room: %1</source>
        <translation type="vanished">Raum: %1</translation>
    </message>
</context>
<context>
    <name>ProxyAuthDialog</name>
    <message>
        <source>Proxy authentication</source>
        <translation type="vanished">Proxy-Anmeldung</translation>
    </message>
    <message>
        <source>Realm: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation type="vanished">Bereich: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation type="vanished">&amp;Benutzername:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="vanished">&amp;Passwort:</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../../ui/devices/qt_audio_devices.cpp" line="86"/>
        <source>no microphone found</source>
        <translation>kein Mikrofon gefunden</translation>
    </message>
    <message>
        <location filename="../../ui/devices/qt_audio_devices.cpp" line="103"/>
        <source>the microphone %1 could not be started</source>
        <translation>das Mikrofon %1 konnte nicht gestartet werden</translation>
    </message>
    <message>
        <location filename="../../ui/devices/qt_audio_devices.cpp" line="179"/>
        <source>no speakers found</source>
        <translation>keine Lautsprecher gefunden</translation>
    </message>
    <message>
        <location filename="../../ui/devices/qt_audio_devices.cpp" line="196"/>
        <source>the speakers %1 could not be started</source>
        <translation>die Lautsprecher %1 konnten nicht gestartet werden</translation>
    </message>
</context>
<context>
    <name>ReceptionDetails</name>
    <message>
        <location filename="../../ui/meeting/reception_details.cpp" line="20"/>
        <source>Voice: %1 packets, %2 lost, %3 concealed, jitter %4 ms</source>
        <translation>Sprache: %1 Pakete, %2 verloren, %3 überbrückt, Jitter %4 ms</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/reception_details.cpp" line="26"/>
        <source>Screen</source>
        <translation>Bildschirm</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/reception_details.cpp" line="26"/>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/reception_details.cpp" line="27"/>
        <source>%1: %2 frames, %3 lost, stood still %4 ms at most, %5x%6</source>
        <translation>%1: %2 Bilder, %3 verloren, höchstens %4 ms Stillstand, %5x%6</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/reception_details.cpp" line="37"/>
        <source>Video repair (all senders): %1 packets lost on the way, %2 recovered by retransmission, %3 given up, %4 key frames asked for</source>
        <translation>Videoreparatur (alle Sender): %1 Pakete unterwegs verloren, %2 durch erneutes Senden wiederhergestellt, %3 aufgegeben, %4 Schlüsselbilder angefordert</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>&amp;Server:</source>
        <translation type="vanished">&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation type="vanished">Verbindung &amp;testen</translation>
    </message>
</context>
<context>
    <name>SettingsStore</name>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="64"/>
        <source>The saved setting &quot;%1&quot; was not understood; the default is used.</source>
        <translation>Die gespeicherte Einstellung „%1“ konnte nicht ausgewertet werden; der Standardwert wird verwendet.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="93"/>
        <source>The settings file %1 could not be read; defaults are used.</source>
        <translation>Die Einstellungsdatei %1 konnte nicht gelesen werden; es werden die Standardwerte verwendet.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="150"/>
        <source>The saved SOCKS server list was not understood; the default is used.</source>
        <translation>Die gespeicherte SOCKS-Serverliste konnte nicht ausgewertet werden; der Standardwert wird verwendet.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="195"/>
        <source>The settings could not be written to %1.</source>
        <translation>Die Einstellungen konnten nicht in %1 geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>SignInWindow</name>
    <message>
        <source>Sign in — Parley</source>
        <translation type="vanished">Anmelden — Parley</translation>
    </message>
    <message>
        <source>&amp;Remember my password (system keychain)</source>
        <translation type="vanished">Passwort &amp;merken (Schlüsselbund des Systems)</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="vanished">&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation type="vanished">&amp;Benutzername:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="vanished">&amp;Passwort:</translation>
    </message>
    <message>
        <source>R&amp;oom:</source>
        <translation type="vanished">R&amp;aum:</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation type="vanished">&amp;Anmelden</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation type="vanished">&amp;Abbrechen</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation type="vanished">Ein&amp;stellungen…</translation>
    </message>
    <message>
        <source>Connection attempts:</source>
        <translation type="vanished">Verbindungsversuche:</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>camera off</source>
        <translation type="vanished">Kamera aus</translation>
    </message>
</context>
<context>
    <name>parley::ui</name>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="33"/>
        <source>certificate issued by %1</source>
        <translation>Zertifikat ausgestellt von %1</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="42"/>
        <source>starting</source>
        <translation>wird gestartet</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="44"/>
        <source>name resolved</source>
        <translation>Name aufgelöst</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="46"/>
        <source>TCP connected</source>
        <translation>TCP verbunden</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="48"/>
        <source>proxy asks for a password</source>
        <translation>Proxy verlangt ein Passwort</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="50"/>
        <source>tunnel up</source>
        <translation>Tunnel aufgebaut</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="52"/>
        <source>TLS done</source>
        <translation>TLS abgeschlossen</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="54"/>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="56"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="58"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="65"/>
        <source>Direct</source>
        <translation>Direkt</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="68"/>
        <location filename="../../ui/settings/connection_settings.cpp" line="134"/>
        <source>HTTP proxy</source>
        <translation>HTTP-Proxy</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="85"/>
        <source>direct to %1:%2</source>
        <translation>direkt mit %1:%2</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="87"/>
        <source>via %1 (%2)</source>
        <translation>über %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="95"/>
        <source>%1, %2 %3</source>
        <translation>%1, %2 %3</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="104"/>
        <source>The server did not accept this user name and password. Check them and sign in again.</source>
        <translation>Der Server hat diesen Benutzernamen und dieses Passwort nicht akzeptiert. Prüfen Sie beides und melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="108"/>
        <source>Too many sign-in attempts. Wait a minute, then try again.</source>
        <translation>Zu viele Anmeldeversuche. Warten Sie eine Minute und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="111"/>
        <source>The server does not accept this room name: %1</source>
        <translation>Der Server akzeptiert diesen Raumnamen nicht: %1</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="114"/>
        <source>Parley cannot start the connection: %1. Check Settings.</source>
        <translation>Parley kann die Verbindung nicht aufbauen: %1. Prüfen Sie die Einstellungen.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="120"/>
        <source>The room is locked: its owner is not letting anyone new in right now. Ask the owner to unlock it, then join again.</source>
        <translation>Der Raum ist gesperrt: Der Besitzer lässt derzeit niemanden neu herein. Bitten Sie den Besitzer, den Raum zu entsperren, und treten Sie dann erneut bei.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="125"/>
        <source>This room admits only the people its owner listed, and you are not on the list. Ask the owner to add you, then join again.</source>
        <translation>Dieser Raum lässt nur Personen zu, die sein Besitzer eingetragen hat, und Sie stehen nicht auf der Liste. Bitten Sie den Besitzer, Sie hinzuzufügen, und treten Sie dann erneut bei.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="130"/>
        <source>The room&apos;s owner removed you from the room. You can join again once the owner admits you.</source>
        <translation>Der Besitzer des Raums hat Sie aus dem Raum entfernt. Sie können erneut beitreten, sobald der Besitzer Sie wieder zulässt.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="135"/>
        <source>This version of Parley cannot talk to the server (%1). Update Parley.</source>
        <translation>Diese Parley-Version kann nicht mit dem Server kommunizieren (%1). Aktualisieren Sie Parley.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="143"/>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="151"/>
        <source>Your network inspects encrypted traffic (%1). Parley does not allow that. Use another network, or ask your administrator to let Parley through without inspection.</source>
        <translation>Ihr Netzwerk prüft verschlüsselten Datenverkehr (%1). Parley lässt das nicht zu. Verwenden Sie ein anderes Netzwerk oder bitten Sie Ihre IT-Administration, Parley ohne Prüfung durchzulassen.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="159"/>
        <source>Proxy %1 requires authentication. Enter the user name and password your organisation gave you for it.</source>
        <translation>Der Proxy %1 verlangt eine Anmeldung. Geben Sie den Benutzernamen und das Passwort ein, die Sie von Ihrer Organisation dafür erhalten haben.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="168"/>
        <source>The secure connection could not be set up (%1). Check the CA certificate file in Settings.</source>
        <translation>Die sichere Verbindung konnte nicht aufgebaut werden (%1). Prüfen Sie die CA-Zertifikatsdatei in den Einstellungen.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="174"/>
        <source>Parley could not reach the server by any route (direct, web proxies, SOCKS). Check the server name and ports; if your network needs a proxy, set it in Settings. (%1)</source>
        <translation>Parley konnte den Server auf keinem Weg erreichen (direkt, Web-Proxys, SOCKS). Prüfen Sie Servername und Ports; falls Ihr Netzwerk einen Proxy benötigt, legen Sie ihn in den Einstellungen fest. (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="27"/>
        <source>Enter a host name or address.</source>
        <translation>Geben Sie einen Hostnamen oder eine Adresse ein.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="30"/>
        <source>A host name has at most 253 characters.</source>
        <translation>Ein Hostname hat höchstens 253 Zeichen.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="45"/>
        <source>&quot;%1&quot; is not a valid host name (letters, digits, hyphens and dots; no spaces or ports).</source>
        <translation>„%1“ ist kein gültiger Hostname (Buchstaben, Ziffern, Bindestriche und Punkte; keine Leerzeichen oder Ports).</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="55"/>
        <location filename="../../ui/settings/connection_settings.cpp" line="64"/>
        <source>A port is a number from 1 to 65535.</source>
        <translation>Ein Port ist eine Zahl von 1 bis 65535.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="77"/>
        <source>A PAC URL starts with http://, https:// or file://.</source>
        <translation>Eine PAC-URL beginnt mit http://, https:// oder file://.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="80"/>
        <source>The PAC URL has no host.</source>
        <translation>Die PAC-URL enthält keinen Host.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="88"/>
        <source>Enter the room to join.</source>
        <translation>Geben Sie den Raum ein, dem Sie beitreten möchten.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="91"/>
        <source>A room name has at most 64 characters.</source>
        <translation>Ein Raumname hat höchstens 64 Zeichen.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="101"/>
        <source>At most 16 interfaces.</source>
        <translation>Höchstens 16 Schnittstellen.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="105"/>
        <source>&quot;%1&quot; is not an interface name (like eth0, or wlan* for a prefix).</source>
        <translation>„%1“ ist kein Schnittstellenname (etwa eth0 oder wlan* für ein Präfix).</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="129"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="131"/>
        <source>Server port</source>
        <translation>Server-Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="132"/>
        <source>Alternative port</source>
        <translation>Alternativer Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="135"/>
        <source>HTTP proxy port</source>
        <translation>HTTP-Proxy-Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="137"/>
        <source>PAC URL</source>
        <translation>PAC-URL</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="138"/>
        <source>Peer-to-peer interfaces</source>
        <translation>Peer-to-Peer-Schnittstellen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="139"/>
        <source>Excluded interfaces</source>
        <translation>Ausgeschlossene Schnittstellen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="141"/>
        <source>SOCKS server</source>
        <translation>SOCKS-Server</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="142"/>
        <source>SOCKS port</source>
        <translation>SOCKS-Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="144"/>
        <source>SOCKS version</source>
        <translation>SOCKS-Version</translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="144"/>
        <source>Choose SOCKS4, SOCKS4a or SOCKS5.</source>
        <translation>Wählen Sie SOCKS4, SOCKS4a oder SOCKS5.</translation>
    </message>
</context>
<context>
    <name>parley::ui::AdmissionDialog</name>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="37"/>
        <source>Who may join %1</source>
        <translation>Wer %1 beitreten darf</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="39"/>
        <source>List the accounts and groups that may join, one per line. Leave both empty to let anyone with an account join. You can always join your own room.</source>
        <translation>Führen Sie die Konten und Gruppen auf, die beitreten dürfen, einen Eintrag pro Zeile. Lassen Sie beide Felder leer, damit alle mit einem Konto beitreten können. Ihrem eigenen Raum können Sie immer beitreten.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="48"/>
        <source>Accounts that may join</source>
        <translation>Konten, die beitreten dürfen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="51"/>
        <source>Groups that may join</source>
        <translation>Gruppen, die beitreten dürfen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="52"/>
        <source>&amp;Accounts:</source>
        <translation>&amp;Konten:</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="53"/>
        <source>&amp;Groups:</source>
        <translation>&amp;Gruppen:</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="56"/>
        <source>Removed people; tick to let them in again</source>
        <translation>Entfernte Personen; zum erneuten Zulassen ankreuzen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/admission_dialog.cpp" line="62"/>
        <source>Removed (tick to let in again):</source>
        <translation>Entfernt (zum erneuten Zulassen ankreuzen):</translation>
    </message>
</context>
<context>
    <name>parley::ui::AppController</name>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="69"/>
        <source>Sign-in cancelled.</source>
        <translation>Anmeldung abgebrochen.</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="133"/>
        <source>The connection dropped (%1); trying again…</source>
        <translation>Die Verbindung wurde unterbrochen (%1); neuer Versuch…</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="136"/>
        <source>You left the room.</source>
        <translation>Sie haben den Raum verlassen.</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="196"/>
        <source>Some saved settings were not understood and were reset to their defaults:
%1</source>
        <translation>Einige gespeicherte Einstellungen konnten nicht ausgewertet werden und wurden auf die Standardwerte zurückgesetzt:
%1</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="279"/>
        <source>Choose your deployment&apos;s CA certificate file in Settings first.</source>
        <translation>Wählen Sie zuerst in den Einstellungen die CA-Zertifikatsdatei Ihrer Installation aus.</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="434"/>
        <source>Screen sharing stopped: %1</source>
        <translation>Bildschirmfreigabe beendet: %1</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="446"/>
        <source>The camera stopped: %1</source>
        <translation>Die Kamera wurde gestoppt: %1</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="501"/>
        <source>Sharing did not start: %1</source>
        <translation>Die Freigabe konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="520"/>
        <source>Choose what to share in your desktop&apos;s dialog…</source>
        <translation>Wählen Sie im Dialog Ihres Desktops, was Sie freigeben…</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="586"/>
        <source>The camera did not start: %1</source>
        <translation>Die Kamera konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="635"/>
        <source>not started</source>
        <translation>nicht gestartet</translation>
    </message>
</context>
<context>
    <name>parley::ui::CameraFeed</name>
    <message>
        <location filename="../../ui/devices/camera_source.cpp" line="73"/>
        <source>no camera found</source>
        <translation>keine Kamera gefunden</translation>
    </message>
</context>
<context>
    <name>parley::ui::CameraPreview</name>
    <message>
        <location filename="../../ui/devices/camera_preview.cpp" line="28"/>
        <source>Waiting for the camera…</source>
        <translation>Warten auf die Kamera…</translation>
    </message>
    <message>
        <location filename="../../ui/devices/camera_preview.cpp" line="43"/>
        <source>The camera stopped: %1</source>
        <translation>Die Kamera wurde gestoppt: %1</translation>
    </message>
</context>
<context>
    <name>parley::ui::ChatView</name>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="45"/>
        <source>Chat messages</source>
        <translation>Chatnachrichten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="48"/>
        <source>Write a message and press Enter</source>
        <translation>Nachricht eingeben und mit der Eingabetaste senden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="50"/>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="51"/>
        <source>S&amp;end</source>
        <translation>S&amp;enden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="56"/>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="135"/>
        <location filename="../../ui/meeting/chat_view.cpp" line="163"/>
        <source>— new messages —</source>
        <translation>— neue Nachrichten —</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="140"/>
        <source>from the room&apos;s history</source>
        <translation>aus dem Verlauf des Raums</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="154"/>
        <source>Waiting for the server that keeps this room&apos;s chat order: people on this server see it, people on the other server once the link is back</source>
        <translation>Wartet auf den Server, der die Reihenfolge des Chats in diesem Raum festlegt: Wer auf diesem Server ist, sieht die Nachricht schon, wer auf dem anderen Server ist, sobald die Verbindung wieder steht</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="169"/>
        <source>(not yet numbered)</source>
        <translation>(noch nicht eingereiht)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="170"/>
        <source>The server that keeps this room&apos;s chat order is unreachable: people on this server see this message now, the others once the link is back, when it takes its place in the room&apos;s order</source>
        <translation>Der Server, der die Reihenfolge des Chats in diesem Raum festlegt, ist nicht erreichbar: Wer auf diesem Server ist, sieht diese Nachricht jetzt, die anderen, sobald die Verbindung wieder steht; dann bekommt sie ihren Platz in der Reihenfolge des Raums</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="192"/>
        <location filename="../../ui/meeting/chat_view.cpp" line="214"/>
        <source>(sending…)</source>
        <translation>(wird gesendet…)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="193"/>
        <source>Not yet stored by the server</source>
        <translation>Noch nicht vom Server gespeichert</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="225"/>
        <source>(not sent: %1)</source>
        <translation>(nicht gesendet: %1)</translation>
    </message>
</context>
<context>
    <name>parley::ui::ConnectionProbe</name>
    <message>
        <location filename="../../ui/sign_in/connection_probe.cpp" line="42"/>
        <source>The CA certificate file &quot;%1&quot; cannot be used: %2</source>
        <translation>Die CA-Zertifikatsdatei „%1“ kann nicht verwendet werden: %2</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/connection_probe.cpp" line="82"/>
        <source>Connected: %1; the server answered.</source>
        <translation>Verbunden: %1; der Server hat geantwortet.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/connection_probe.cpp" line="87"/>
        <source>No route reached the server: %1</source>
        <translation>Der Server war auf keinem Weg erreichbar: %1</translation>
    </message>
</context>
<context>
    <name>parley::ui::DevicesPage</name>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="44"/>
        <source>System default (none found)</source>
        <translation>Systemstandard (keines gefunden)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="45"/>
        <source>System default (%1)</source>
        <translation>Systemstandard (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="52"/>
        <source>%1 (not connected)</source>
        <translation>%1 (nicht angeschlossen)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="69"/>
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="70"/>
        <source>Speakers</source>
        <translation>Lautsprecher</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="71"/>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="75"/>
        <source>Microphone level</source>
        <translation>Mikrofonpegel</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="84"/>
        <source>&amp;Play a test sound</source>
        <translation>Test&amp;ton abspielen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="91"/>
        <source>Camera preview</source>
        <translation>Kameravorschau</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="94"/>
        <source>&amp;Microphone:</source>
        <translation>&amp;Mikrofon:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="98"/>
        <source>Level:</source>
        <translation>Pegel:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="102"/>
        <source>&amp;Speakers:</source>
        <translation>&amp;Lautsprecher:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="104"/>
        <source>&amp;Camera:</source>
        <translation>&amp;Kamera:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="108"/>
        <source>Changes apply when saved, also in a meeting. With &quot;System default&quot;, a headset plugged in during a meeting is used at once, and when it is pulled out the default takes over again.</source>
        <translation>Änderungen gelten beim Speichern, auch in einer Besprechung. Mit „Systemstandard“ wird ein während der Besprechung eingestecktes Headset sofort verwendet; wird es abgezogen, übernimmt wieder der Standard.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="150"/>
        <source>Test camera</source>
        <translation>Testkamera</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="210"/>
        <source>The test camera did not start.</source>
        <translation>Die Testkamera ist nicht gestartet.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="217"/>
        <source>No camera found.</source>
        <translation>Keine Kamera gefunden.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="222"/>
        <source>The camera stopped: %1</source>
        <translation>Die Kamera wurde gestoppt: %1</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="226"/>
        <source>The camera could not start: %1</source>
        <translation>Die Kamera konnte nicht starten: %1</translation>
    </message>
    <message>
        <location filename="../../ui/settings/devices_page.cpp" line="231"/>
        <source>Playing…</source>
        <translation>Wird abgespielt…</translation>
    </message>
</context>
<context>
    <name>parley::ui::KeychainStore</name>
    <message>
        <location filename="../../ui/secrets/secret_store_qtkeychain.cpp" line="15"/>
        <source>The system keychain is not available (%1); the password is not remembered.</source>
        <translation>Der Schlüsselbund des Systems ist nicht verfügbar (%1); das Passwort wird nicht gespeichert.</translation>
    </message>
</context>
<context>
    <name>parley::ui::MeetingMedia</name>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="82"/>
        <source>test input</source>
        <translation>Testeingang</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="86"/>
        <source>test output</source>
        <translation>Testausgang</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="293"/>
        <source>test camera</source>
        <translation>Testkamera</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="366"/>
        <location filename="../../ui/meeting/meeting_media.cpp" line="410"/>
        <location filename="../../ui/meeting/meeting_media.cpp" line="434"/>
        <source>media is not running</source>
        <translation>die Medienübertragung läuft nicht</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="384"/>
        <source>the test camera did not start</source>
        <translation>die Testkamera konnte nicht gestartet werden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="459"/>
        <source>your screen (chosen on the desktop)</source>
        <translation>Ihren Bildschirm (auf dem Desktop gewählt)</translation>
    </message>
</context>
<context>
    <name>parley::ui::MeetingWindow</name>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="80"/>
        <source>Stop &amp;sharing</source>
        <translation>&amp;Freigabe beenden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="107"/>
        <source>Participants</source>
        <translation>Teilnehmende</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation type="vanished">Besprechung</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="136"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="403"/>
        <source>&amp;Mute</source>
        <translation>Stu&amp;mmschalten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="136"/>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="141"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="419"/>
        <source>Start &amp;camera</source>
        <translation>&amp;Kamera starten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="141"/>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>S&amp;hare screen…</source>
        <translation type="vanished">&amp;Bildschirm freigeben…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="146"/>
        <source>Ctrl+Shift+S</source>
        <translation>Ctrl+Shift+S</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="178"/>
        <source>Se&amp;ttings…</source>
        <translation>Ein&amp;stellungen…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="176"/>
        <source>&amp;Leave</source>
        <translation>&amp;Verlassen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="146"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="438"/>
        <source>Sh&amp;are screen…</source>
        <translation>&amp;Bildschirm freigeben…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="155"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="549"/>
        <source>Cha&amp;t</source>
        <translation>Cha&amp;t</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="155"/>
        <source>Ctrl+Shift+C</source>
        <translation>Ctrl+Shift+C</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="169"/>
        <source>&amp;Participants</source>
        <translation>Teil&amp;nehmende</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="169"/>
        <source>Ctrl+Shift+P</source>
        <translation>Ctrl+Shift+P</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="176"/>
        <source>Ctrl+W</source>
        <translation>Ctrl+W</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="185"/>
        <source>You are muted: the others do not hear you. Unmute (Ctrl+D), or hold Space to talk.</source>
        <translation>Sie sind stummgeschaltet: Die anderen hören Sie nicht. Stummschaltung aufheben (Strg+D) oder Leertaste gedrückt halten, um zu sprechen.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="203"/>
        <source>M&amp;eeting</source>
        <translation>Be&amp;sprechung</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="209"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="213"/>
        <source>&amp;Speaker view</source>
        <translation>&amp;Sprecheransicht</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="215"/>
        <source>&amp;Grid view</source>
        <translation>&amp;Rasteransicht</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="225"/>
        <source>Shared screen at &amp;100 %</source>
        <translation>Geteilten Bildschirm in &amp;100 %</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="230"/>
        <source>Every pixel of a shared screen on one of yours, scrolled when larger; off: fitted to the space there is</source>
        <translation>Jedes Pixel eines geteilten Bildschirms auf einem Ihrer Pixel, bei Übergröße mit Bildlauf; aus: in den vorhandenen Platz eingepasst</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="233"/>
        <source>&amp;Pop out the shared screen</source>
        <translation>Geteilten Bildschirm in eigenem &amp;Fenster</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="243"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="244"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="247"/>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="255"/>
        <source>Show the meeting</source>
        <translation>Besprechung anzeigen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="272"/>
        <source>starting…</source>
        <translation>wird gestartet…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="285"/>
        <source>Connected %1</source>
        <translation>Verbunden %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="301"/>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="312"/>
        <source>Room: %1</source>
        <translation>Raum: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="315"/>
        <source>Reconnected; messages sent meanwhile follow.</source>
        <translation>Wieder verbunden; die zwischenzeitlich gesendeten Nachrichten folgen.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="328"/>
        <source>%1 joined</source>
        <translation>%1 ist beigetreten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="337"/>
        <source>%1 left</source>
        <translation>%1 hat den Raum verlassen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="338"/>
        <source>%1 left (%2)</source>
        <translation>%1 hat den Raum verlassen (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="347"/>
        <source>The room is locked: no one new can join.</source>
        <translation>Der Raum ist gesperrt: Niemand kann neu beitreten.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="348"/>
        <source>The room is unlocked.</source>
        <translation>Der Raum ist entsperrt.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="360"/>
        <source>Reconnecting: network changed. Messages you write are sent when it is back.</source>
        <translation>Verbindung wird wiederhergestellt: Das Netzwerk hat sich geändert. Nachrichten, die Sie schreiben, werden gesendet, sobald die Verbindung wieder steht.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="364"/>
        <source>Reconnecting… the connection dropped (%1); next try in %2 s. Messages you write are sent when it is back.</source>
        <translation>Verbindung wird wiederhergestellt… Die Verbindung wurde unterbrochen (%1); nächster Versuch in %2 s. Nachrichten, die Sie schreiben, werden gesendet, sobald die Verbindung wieder steht.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="384"/>
        <source>No audio: %1</source>
        <translation>Kein Audio: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="385"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="386"/>
        <source>No video: %1</source>
        <translation>Kein Video: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="389"/>
        <source>Share a screen or a window with everyone in the room</source>
        <translation>Einen Bildschirm oder ein Fenster für alle im Raum freigeben</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="398"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="524"/>
        <source>No microphone</source>
        <translation>Kein Mikrofon</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="400"/>
        <source>No microphone was found: the others cannot hear you. You hear them when speakers are there.</source>
        <translation>Es wurde kein Mikrofon gefunden: Die anderen können Sie nicht hören. Sie hören die anderen, sofern Lautsprecher vorhanden sind.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="403"/>
        <source>Un&amp;mute</source>
        <translation>Stu&amp;mmschaltung aufheben</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="406"/>
        <source>You are muted: nobody hears you (%1). Hold Space to talk.</source>
        <translation>Sie sind stummgeschaltet: Niemand hört Sie (%1). Halten Sie die Leertaste gedrückt, um zu sprechen.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="442"/>
        <source>Stop sh&amp;aring</source>
        <translation>Freigabe &amp;beenden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="555"/>
        <source>%1 — %2 — Parley</source>
        <translation>%1 — %2 — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="617"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="624"/>
        <source>%1: %2
</source>
        <translation>%1: %2
</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="628"/>
        <source>Space (hold): talk while muted (push-to-talk)
</source>
        <translation>Leertaste (gedrückt halten): sprechen, während Sie stummgeschaltet sind (Push-to-Talk)
</translation>
    </message>
    <message>
        <source>You are muted: nobody hears you (%1)</source>
        <translation type="vanished">Sie sind stummgeschaltet: Niemand hört Sie (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="407"/>
        <source>Everyone hears you (%1)</source>
        <translation>Alle hören Sie (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="416"/>
        <source>No camera</source>
        <translation>Keine Kamera</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="417"/>
        <source>No camera was found on this computer.</source>
        <translation>Auf diesem Computer wurde keine Kamera gefunden.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="419"/>
        <source>Stop &amp;camera</source>
        <translation>&amp;Kamera beenden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="421"/>
        <source>Everyone sees you (%1)</source>
        <translation>Alle sehen Sie (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="422"/>
        <source>Let everyone see you (%1)</source>
        <translation>Für alle sichtbar werden (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="440"/>
        <source>You are sharing %1. Everyone in the room sees it.</source>
        <translation>Sie geben %1 frei. Alle im Raum sehen das.</translation>
    </message>
    <message>
        <source>Stop s&amp;haring</source>
        <translation type="vanished">&amp;Freigabe beenden</translation>
    </message>
    <message>
        <source>sharing</source>
        <translation type="vanished">wird freigegeben</translation>
    </message>
    <message>
        <source>waiting for the picture…</source>
        <translation type="vanished">Bild wird erwartet…</translation>
    </message>
    <message>
        <source>muted</source>
        <translation type="vanished">stummgeschaltet</translation>
    </message>
    <message>
        <source>camera off</source>
        <translation type="vanished">Kamera aus</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="517"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="654"/>
        <source>Leaving the room…</source>
        <translation>Raum wird verlassen…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="522"/>
        <source>Media: %1</source>
        <translation>Medien: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="524"/>
        <source>Microphone: %1</source>
        <translation>Mikrofon: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="525"/>
        <source>No speakers</source>
        <translation>Keine Lautsprecher</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="525"/>
        <source>Speakers: %1</source>
        <translation>Lautsprecher: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="527"/>
        <source>media peer-to-peer</source>
        <translation>Medien per Peer-to-Peer</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="529"/>
        <source>media relayed (TURN)</source>
        <translation>Medien weitergeleitet (TURN)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="531"/>
        <source>media over UDP</source>
        <translation>Medien über UDP</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="533"/>
        <source>media inside the TLS connection (TCP)</source>
        <translation>Medien innerhalb der TLS-Verbindung (TCP)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="535"/>
        <source>media: trying UDP…</source>
        <translation>Medien: UDP wird versucht…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="548"/>
        <source>Cha&amp;t (%1)</source>
        <translation>Cha&amp;t (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="551"/>
        <source>Hide the chat</source>
        <translation>Chat ausblenden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="551"/>
        <source>Show the chat</source>
        <translation>Chat einblenden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="553"/>
        <source>Parley</source>
        <translation>Parley</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="554"/>
        <source>%1 — Parley</source>
        <translation>%1 — Parley</translation>
    </message>
</context>
<context>
    <name>parley::ui::MicrophoneCheck</name>
    <message>
        <location filename="../../ui/devices/microphone_check.cpp" line="37"/>
        <source>no microphone found</source>
        <translation>kein Mikrofon gefunden</translation>
    </message>
    <message>
        <location filename="../../ui/devices/microphone_check.cpp" line="44"/>
        <source>the microphone %1 could not be started</source>
        <translation>das Mikrofon %1 konnte nicht gestartet werden</translation>
    </message>
</context>
<context>
    <name>parley::ui::ParticipantModel</name>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="145"/>
        <source>%1 (you)</source>
        <translation>%1 (Sie)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="145"/>
        <source>%1 (you, owner)</source>
        <translation>%1 (Sie, Besitzer)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="147"/>
        <source>%1 (owner)</source>
        <translation>%1 (Besitzer)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="150"/>
        <source>muted</source>
        <translation>stummgeschaltet</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="150"/>
        <location filename="../../ui/meeting/participant_model.cpp" line="152"/>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="152"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="154"/>
        <source>sharing</source>
        <translation>gibt frei</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="154"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="157"/>
        <source>peer-to-peer</source>
        <translation>Peer-to-Peer</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="160"/>
        <source>relayed (TURN)</source>
        <translation>weitergeleitet (TURN)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="163"/>
        <source>other server</source>
        <translation>anderer Server</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="166"/>
        <source>unreachable</source>
        <translation>nicht erreichbar</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="169"/>
        <source>via server, UDP</source>
        <translation>über Server, UDP</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="172"/>
        <source>via server, TCP</source>
        <translation>über Server, TCP</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="175"/>
        <source>via server, trying UDP…</source>
        <translation>über Server, UDP wird versucht…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="177"/>
        <source>via server</source>
        <translation>über Server</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="187"/>
        <source>Media goes directly between the two of you, encrypted end to end (DTLS-SRTP); chat still goes through the server.</source>
        <translation>Die Medien werden direkt zwischen Ihnen beiden übertragen, Ende-zu-Ende-verschlüsselt (DTLS-SRTP); der Chat läuft weiterhin über den Server.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="192"/>
        <source>Media goes between the two of you through a TURN relay, encrypted end to end (DTLS-SRTP).</source>
        <translation>Die Medien werden zwischen Ihnen beiden über ein TURN-Relay übertragen, Ende-zu-Ende-verschlüsselt (DTLS-SRTP).</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="197"/>
        <source>This participant is connected to another server of the same meeting, which shares the room with yours.</source>
        <translation>Diese Person ist mit einem anderen Server derselben Besprechung verbunden, der den Raum mit Ihrem Server teilt.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="202"/>
        <source>The link between your server and this participant&apos;s server is down: you cannot hear or reach them until it returns. Your own meeting goes on.</source>
        <translation>Die Verbindung zwischen Ihrem Server und dem Server dieser Person ist unterbrochen: Sie können sie erst wieder hören und erreichen, wenn sie zurück ist. Ihre eigene Besprechung geht weiter.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="209"/>
        <source>This participant&apos;s media is relayed by the room server.</source>
        <translation>Die Medien dieser Person werden vom Raumserver weitergeleitet.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="207"/>
        <source>Your media goes through the room server: over UDP when it gets through, else inside the encrypted TLS connection (TCP).</source>
        <translation>Ihre Medien laufen über den Raumserver: per UDP, wenn das durchkommt, sonst innerhalb der verschlüsselten TLS-Verbindung (TCP).</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="212"/>
        <source>Muted, or no microphone.</source>
        <translation>Stummgeschaltet oder kein Mikrofon.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="231"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="233"/>
        <source>Audio</source>
        <translation>Audio</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="235"/>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="237"/>
        <source>Screen</source>
        <translation>Bildschirm</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="239"/>
        <source>Path</source>
        <translation>Weg</translation>
    </message>
</context>
<context>
    <name>parley::ui::ProxyAuthDialog</name>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="17"/>
        <source>Proxy authentication</source>
        <translation>Proxy-Anmeldung</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="30"/>
        <source>The proxy &lt;b&gt;%1&lt;/b&gt; asks you to sign in (%2).</source>
        <translation>Der Proxy &lt;b&gt;%1&lt;/b&gt; fordert Sie zur Anmeldung auf (%2).</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="33"/>
        <source>The credentials you are logged in with were not accepted.</source>
        <translation>Die Anmeldedaten, mit denen Sie angemeldet sind, wurden nicht akzeptiert.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="36"/>
        <source>The proxy &lt;b&gt;%1&lt;/b&gt; asks for a user name and password.</source>
        <translation>Der Proxy &lt;b&gt;%1&lt;/b&gt; verlangt einen Benutzernamen und ein Passwort.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="38"/>
        <source>Realm: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Bereich: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="40"/>
        <source>The last user name and password were not accepted.</source>
        <translation>Benutzername und Passwort wurden beim letzten Versuch nicht akzeptiert.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="52"/>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="53"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="57"/>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="58"/>
        <source>&amp;Domain:</source>
        <translation>&amp;Domäne:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="60"/>
        <source>&amp;Remember in the system keychain</source>
        <translation>Im Schlüsselbund des Systems &amp;merken</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="65"/>
        <source>&amp;Sign in to proxy</source>
        <translation>Beim Proxy &amp;anmelden</translation>
    </message>
</context>
<context>
    <name>parley::ui::RaceTableModel</name>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="100"/>
        <source>connected (winner)</source>
        <translation>verbunden (gewonnen)</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="102"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="138"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="140"/>
        <source>Via</source>
        <translation>Über</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="142"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="144"/>
        <source>Stage</source>
        <translation>Phase</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="146"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="148"/>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>parley::ui::Reader</name>
    <message>
        <source>The saved setting &quot;%1&quot; was not understood; the default is used.</source>
        <translation type="vanished">Die gespeicherte Einstellung „%1“ konnte nicht ausgewertet werden; der Standardwert wird verwendet.</translation>
    </message>
</context>
<context>
    <name>parley::ui::RoomControls</name>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="22"/>
        <source>Room status</source>
        <translation>Raumstatus</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="23"/>
        <location filename="../../ui/meeting/room_controls.cpp" line="109"/>
        <location filename="../../ui/meeting/room_controls.cpp" line="127"/>
        <source>&amp;Lock room</source>
        <translation>&amp;Raum sperren</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="26"/>
        <location filename="../../ui/meeting/room_controls.cpp" line="110"/>
        <source>Lock room</source>
        <translation>Raum sperren</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="27"/>
        <source>When locked, no one new can join; the people here stay.</source>
        <translation>Ist der Raum gesperrt, kann niemand neu beitreten; wer schon da ist, bleibt.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="28"/>
        <location filename="../../ui/meeting/room_controls.cpp" line="129"/>
        <source>&amp;Who may join…</source>
        <translation>&amp;Wer darf beitreten…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="30"/>
        <source>Who may join</source>
        <translation>Wer darf beitreten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="31"/>
        <source>&amp;Remove</source>
        <translation>E&amp;ntfernen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="33"/>
        <source>Remove the selected participant</source>
        <translation>Ausgewählte Person entfernen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="35"/>
        <source>Removes the selected person from the room. They cannot come back until you let them in again.</source>
        <translation>Entfernt die ausgewählte Person aus dem Raum. Sie kann erst zurückkehren, wenn Sie sie wieder zulassen.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="89"/>
        <source>Locked: no one new can join</source>
        <translation>Gesperrt: Niemand kann neu beitreten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="92"/>
        <source>Only listed people can join</source>
        <translation>Nur eingetragene Personen können beitreten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="94"/>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="97"/>
        <source> · you own this room</source>
        <translation> · Ihnen gehört dieser Raum</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="99"/>
        <source> · owner: %1</source>
        <translation> · Besitzer: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="109"/>
        <location filename="../../ui/meeting/room_controls.cpp" line="127"/>
        <source>Un&amp;lock room</source>
        <translation>&amp;Raum entsperren</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="110"/>
        <source>Unlock room</source>
        <translation>Raum entsperren</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/room_controls.cpp" line="123"/>
        <source>&amp;Remove from room</source>
        <translation>Aus dem Raum &amp;entfernen</translation>
    </message>
</context>
<context>
    <name>parley::ui::ScreenView</name>
    <message>
        <location filename="../../ui/meeting/screen_view.cpp" line="15"/>
        <source>Shared screen of %1</source>
        <translation>Geteilter Bildschirm von %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/screen_view.cpp" line="16"/>
        <source>Scroll the shared screen sideways</source>
        <translation>Geteilten Bildschirm seitwärts verschieben</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/screen_view.cpp" line="17"/>
        <source>Scroll the shared screen up and down</source>
        <translation>Geteilten Bildschirm auf und ab verschieben</translation>
    </message>
</context>
<context>
    <name>parley::ui::ScreenWindow</name>
    <message>
        <location filename="../../ui/meeting/screen_window.cpp" line="19"/>
        <source>Screen of %1 — Parley</source>
        <translation>Bildschirm von %1 — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/screen_window.cpp" line="27"/>
        <source>&amp;Fit to window</source>
        <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/screen_window.cpp" line="30"/>
        <source>&amp;100 %</source>
        <translation>&amp;100 %</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/screen_window.cpp" line="31"/>
        <source>Every pixel of the shared screen on one of yours; scroll to move</source>
        <translation>Jedes Pixel des geteilten Bildschirms auf einem Ihrer Pixel; Bildlauf zum Verschieben</translation>
    </message>
</context>
<context>
    <name>parley::ui::SessionBridge</name>
    <message>
        <location filename="../../ui/application/session_bridge.cpp" line="224"/>
        <source>Choose your deployment&apos;s CA certificate file in Settings first.</source>
        <translation>Wählen Sie zuerst in den Einstellungen die CA-Zertifikatsdatei Ihrer Installation aus.</translation>
    </message>
</context>
<context>
    <name>parley::ui::SettingsDialog</name>
    <message>
        <source>Connection settings — Parley</source>
        <translation type="vanished">Verbindungseinstellungen — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="57"/>
        <source>Settings — Parley</source>
        <translation>Einstellungen — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="65"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="66"/>
        <source>parley.example.org</source>
        <translation>parley.example.org</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="67"/>
        <source>Server port</source>
        <translation>Server-Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="68"/>
        <source>Alternative port</source>
        <translation>Alternativer Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="69"/>
        <location filename="../../ui/settings/settings_dialog.cpp" line="74"/>
        <source>CA certificate</source>
        <translation>CA-Zertifikat</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="70"/>
        <source>the deployment&apos;s ca.crt</source>
        <translation>ca.crt Ihrer Installation</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="71"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="75"/>
        <source>Certificates (*.crt *.pem);;All files (*)</source>
        <translation>Zertifikate (*.crt *.pem);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="83"/>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="84"/>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="85"/>
        <source>&amp;Alternative port:</source>
        <translation>&amp;Alternativer Port:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="86"/>
        <source>&amp;CA certificate:</source>
        <translation>&amp;CA-Zertifikat:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="89"/>
        <source>Parley trusts only your deployment&apos;s certificate authority: a certificate from anyone else means the traffic is being inspected, and Parley refuses it.</source>
        <translation>Parley vertraut nur der Zertifizierungsstelle Ihrer Installation: Ein Zertifikat von jemand anderem bedeutet, dass der Datenverkehr geprüft wird, und Parley lehnt es ab.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="95"/>
        <source>Se&amp;rver</source>
        <translation>Se&amp;rver</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="100"/>
        <source>A&amp;uto-detect settings (system, environment, WPAD/PAC, web-proxy:8088)</source>
        <translation>Einstellungen a&amp;utomatisch erkennen (System, Umgebung, WPAD/PAC, web-proxy:8088)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="104"/>
        <source>Detected: run Test connection to see what is found.</source>
        <translation>Erkannt: Führen Sie „Verbindung testen“ aus, um zu sehen, was gefunden wird.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="107"/>
        <source>Use this &amp;HTTP proxy:</source>
        <translation>Diesen &amp;HTTP-Proxy verwenden:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="109"/>
        <source>Proxy host</source>
        <translation>Proxy-Host</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="110"/>
        <source>Proxy port</source>
        <translation>Proxy-Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="116"/>
        <source>PAC URL</source>
        <translation>PAC-URL</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="117"/>
        <source>optional: http://wpad.example.org/proxy.pac</source>
        <translation>optional: http://wpad.example.org/proxy.pac</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="121"/>
        <source>HTTP proxy host name</source>
        <translation>Hostname des HTTP-Proxys</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="122"/>
        <source>P&amp;AC URL:</source>
        <translation>P&amp;AC-URL:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="123"/>
        <source>&amp;Web proxy</source>
        <translation>&amp;Web-Proxy</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="133"/>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="133"/>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="133"/>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="136"/>
        <source>SOCKS servers</source>
        <translation>SOCKS-Server</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="137"/>
        <source>A&amp;dd</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="139"/>
        <source>Re&amp;move</source>
        <translation>Ent&amp;fernen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="158"/>
        <source>SOCKS servers, tried at the same time as everything else. SOCKS4a and SOCKS5 let the server resolve the name (no DNS leak).</source>
        <translation>SOCKS-Server, die gleichzeitig mit allen anderen Wegen versucht werden. Bei SOCKS4a und SOCKS5 löst der Server den Namen auf (kein DNS-Leck).</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="164"/>
        <source>S&amp;OCKS</source>
        <translation>S&amp;OCKS</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="169"/>
        <source>Proxy user name</source>
        <translation>Proxy-Benutzername</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="170"/>
        <source>Proxy password</source>
        <translation>Proxy-Passwort</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="172"/>
        <source>Proxy domain</source>
        <translation>Proxy-Domäne</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="173"/>
        <source>optional (NTLM, Negotiate)</source>
        <translation>optional (NTLM, Negotiate)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="177"/>
        <source>Leave blank until a proxy asks. Windows and Kerberos sign-in is tried first; the password is kept in the system keychain, never in a file.</source>
        <translation>Lassen Sie die Felder leer, bis ein Proxy danach fragt. Zuerst wird die Anmeldung über Windows und Kerberos versucht; das Passwort wird im Schlüsselbund des Systems gespeichert, nie in einer Datei.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="181"/>
        <source>User &amp;name:</source>
        <translation>Benutzer&amp;name:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="182"/>
        <source>Pass&amp;word:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="183"/>
        <source>Do&amp;main:</source>
        <translation>Do&amp;mäne:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="185"/>
        <source>Proxy si&amp;gn-in</source>
        <translation>Proxy-Anmeldun&amp;g</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="190"/>
        <source>Try a &amp;direct path in two-person meetings</source>
        <translation>In Besprechungen zu zweit einen &amp;direkten Weg versuchen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="192"/>
        <source>&amp;Keep my local network addresses private</source>
        <translation>Meine lokalen Netzwerkadressen &amp;privat halten</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="194"/>
        <source>Only these interfaces</source>
        <translation>Nur diese Schnittstellen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="195"/>
        <source>every interface (e.g. eth0, wlan*)</source>
        <translation>alle Schnittstellen (z. B. eth0, wlan*)</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="196"/>
        <source>Never these interfaces</source>
        <translation>Niemals diese Schnittstellen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="197"/>
        <source>e.g. tun*, vpn0</source>
        <translation>z. B. tun*, vpn0</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="198"/>
        <source>With two people in a meeting, Parley looks for a direct path between them (or a relay the server names) and moves voice, camera and screen to it once it is proven; chat always goes through the server. Keeping local addresses private offers only the public and relayed ones. Container bridges are never used.</source>
        <translation>Sind zwei Personen in einer Besprechung, sucht Parley einen direkten Weg zwischen ihnen (oder ein vom Server genanntes Relay) und verlagert Sprache, Kamera und Bildschirm dorthin, sobald dieser nachweislich funktioniert; der Chat läuft immer über den Server. Bleiben lokale Adressen privat, werden nur öffentliche und weitergeleitete angeboten. Container-Bridges werden nie verwendet.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="209"/>
        <source>&amp;Only these interfaces:</source>
        <translation>N&amp;ur diese Schnittstellen:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="210"/>
        <source>&amp;Never these interfaces:</source>
        <translation>&amp;Niemals diese Schnittstellen:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="211"/>
        <source>P&amp;eer-to-peer</source>
        <translation>P&amp;eer-to-Peer</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="215"/>
        <source>Sound and &amp;camera</source>
        <translation>Ton und &amp;Kamera</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="227"/>
        <source>Connection attempts</source>
        <translation>Verbindungsversuche</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="228"/>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="458"/>
        <source>Testing every route…</source>
        <translation>Alle Wege werden getestet…</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="482"/>
        <source>Detected: no proxy; direct routes only.</source>
        <translation>Erkannt: kein Proxy; nur direkte Wege.</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="483"/>
        <source>Detected: %1</source>
        <translation>Erkannt: %1</translation>
    </message>
</context>
<context>
    <name>parley::ui::SettingsStore</name>
    <message>
        <source>The settings file %1 could not be read; defaults are used.</source>
        <translation type="vanished">Die Einstellungsdatei %1 konnte nicht gelesen werden; es werden die Standardwerte verwendet.</translation>
    </message>
    <message>
        <source>The saved SOCKS server list was not understood; the default is used.</source>
        <translation type="vanished">Die gespeicherte SOCKS-Serverliste konnte nicht ausgewertet werden; der Standardwert wird verwendet.</translation>
    </message>
    <message>
        <source>The settings could not be written to %1.</source>
        <translation type="vanished">Die Einstellungen konnten nicht in %1 geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>parley::ui::ShareDialog</name>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="20"/>
        <source>Share screen — Parley</source>
        <translation>Bildschirm freigeben — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="25"/>
        <source>Choose what everyone in the meeting will see. A whole screen shows everything on it; a window shows only that window.</source>
        <translation>Wählen Sie aus, was alle in der Besprechung sehen. Ein ganzer Bildschirm zeigt alles, was darauf ist; ein Fenster zeigt nur dieses Fenster.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="33"/>
        <source>Screens and windows</source>
        <translation>Bildschirme und Fenster</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="37"/>
        <source>Looking for screens and windows…</source>
        <translation>Bildschirme und Fenster werden gesucht…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="66"/>
        <source>%1×%2</source>
        <translation>%1×%2</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="70"/>
        <source>Window: %1 (%2)</source>
        <translation>Fenster: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="78"/>
        <source>Nothing can be shared here: %1</source>
        <translation>Hier kann nichts freigegeben werden: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="81"/>
        <source>No screen or window was found to share.</source>
        <translation>Es wurde kein Bildschirm und kein Fenster zum Freigeben gefunden.</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="43"/>
        <source>&amp;Share</source>
        <translation>&amp;Freigeben</translation>
    </message>
</context>
<context>
    <name>parley::ui::SignInWindow</name>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="32"/>
        <source>Sign in — Parley</source>
        <translation>Anmelden — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="38"/>
        <source>&lt;b&gt;Parley&lt;/b&gt;&lt;br&gt;Sign in to your conference server</source>
        <translation>&lt;b&gt;Parley&lt;/b&gt;&lt;br&gt;Melden Sie sich bei Ihrem Konferenzserver an</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="48"/>
        <source>parley.example.org</source>
        <translation>parley.example.org</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="56"/>
        <source>&amp;Remember my password (system keychain)</source>
        <translation>Passwort &amp;merken (Schlüsselbund des Systems)</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="59"/>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="60"/>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="61"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="62"/>
        <source>R&amp;oom:</source>
        <translation>&amp;Raum:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="65"/>
        <source>&amp;Sign in</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="69"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="71"/>
        <source>Se&amp;ttings…</source>
        <translation>Eins&amp;tellungen…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="101"/>
        <source>Connection attempts</source>
        <translation>Verbindungsversuche</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="111"/>
        <source>Connection attempts:</source>
        <translation>Verbindungsversuche:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="158"/>
        <source>Enter your user name.</source>
        <translation>Geben Sie Ihren Benutzernamen ein.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="159"/>
        <source>Enter your password.</source>
        <translation>Geben Sie Ihr Passwort ein.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="183"/>
        <source>Signing in: trying every route at once…</source>
        <translation>Anmeldung: Alle Wege werden gleichzeitig versucht…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="199"/>
        <source>Enter &amp;proxy credentials…</source>
        <translation>Proxy-&amp;Zugangsdaten eingeben…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="203"/>
        <source>Open &amp;settings…</source>
        <translation>&amp;Einstellungen öffnen…</translation>
    </message>
</context>
<context>
    <name>parley::ui::TestSound</name>
    <message>
        <location filename="../../ui/devices/test_sound.cpp" line="45"/>
        <source>no speakers found</source>
        <translation>keine Lautsprecher gefunden</translation>
    </message>
    <message>
        <location filename="../../ui/devices/test_sound.cpp" line="69"/>
        <source>the speakers %1 could not be started</source>
        <translation>die Lautsprecher %1 konnten nicht gestartet werden</translation>
    </message>
</context>
<context>
    <name>parley::ui::TileBoard</name>
    <message>
        <location filename="../../ui/meeting/tile_board.cpp" line="140"/>
        <source>sharing</source>
        <translation>gibt frei</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/tile_board.cpp" line="141"/>
        <source>waiting for the picture…</source>
        <translation>Bild wird erwartet…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/tile_board.cpp" line="145"/>
        <source>muted</source>
        <translation>stummgeschaltet</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/tile_board.cpp" line="148"/>
        <source>camera off</source>
        <translation>Kamera aus</translation>
    </message>
</context>
<context>
    <name>parley::ui::VideoTile</name>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="15"/>
        <source>waiting for the picture…</source>
        <translation>Bild wird erwartet…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="15"/>
        <source>camera off</source>
        <translation>Kamera aus</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="100"/>
        <source>Screen shared by %1, %2</source>
        <translation>Von %1 freigegebener Bildschirm, %2</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="101"/>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="174"/>
        <source>%1&apos;s screen</source>
        <translation>Bildschirm von %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="174"/>
        <source>%1 (you)</source>
        <translation>%1 (Sie)</translation>
    </message>
</context>
</TS>
