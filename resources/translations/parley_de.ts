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
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/devices/qt_audio_devices.cpp" line="102"/>
        <source>the microphone %1 could not be started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/devices/qt_audio_devices.cpp" line="178"/>
        <source>no speakers found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/devices/qt_audio_devices.cpp" line="194"/>
        <source>the speakers %1 could not be started</source>
        <translation type="unfinished"></translation>
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
    <name>ReceptionDetails</name>
    <message>
        <source>Voice: %1 packets, %2 lost, %3 concealed, jitter %4 ms</source>
        <translation>Sprache: %1 Pakete, %2 verloren, %3 überbrückt, Jitter %4 ms</translation>
    </message>
    <message>
        <source>Screen</source>
        <translation>Bildschirm</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>%1: %2 frames, %3 lost, stood still %4 ms at most, %5x%6</source>
        <translation>%1: %2 Bilder, %3 verloren, höchstens %4 ms Stillstand, %5x%6</translation>
    </message>
    <message>
        <source>Video repair (all senders): %1 packets lost on the way, %2 recovered by retransmission, %3 given up, %4 key frames asked for</source>
        <translation>Videoreparatur (alle Sender): %1 Pakete unterwegs verloren, %2 durch erneutes Senden wiederhergestellt, %3 aufgegeben, %4 Schlüsselbilder angefordert</translation>
    </message>
</context>
<context>
    <name>parley::ui</name>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="31"/>
        <source>certificate issued by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="40"/>
        <source>starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="42"/>
        <source>name resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="44"/>
        <source>TCP connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="46"/>
        <source>proxy asks for a password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="48"/>
        <source>tunnel up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="50"/>
        <source>TLS done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="52"/>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="54"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="56"/>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="63"/>
        <source>Direct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="66"/>
        <location filename="../../ui/settings/connection_settings.cpp" line="103"/>
        <source>HTTP proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="83"/>
        <source>direct to %1:%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="85"/>
        <source>via %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="93"/>
        <source>%1, %2 %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="102"/>
        <source>The server did not accept this user name and password. Check them and sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="106"/>
        <source>Too many sign-in attempts. Wait a minute, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="109"/>
        <source>The server does not accept this room name: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="112"/>
        <source>Parley cannot start the connection: %1. Check Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="117"/>
        <source>This version of Parley cannot talk to the server (%1). Update Parley.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="125"/>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="133"/>
        <source>Your network inspects encrypted traffic (%1). Parley does not allow that. Use another network, or ask your administrator to let Parley through without inspection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="141"/>
        <source>Proxy %1 requires authentication. Enter the user name and password your organisation gave you for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="150"/>
        <source>The secure connection could not be set up (%1). Check the CA certificate file in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/attempt_text.cpp" line="156"/>
        <source>Parley could not reach the server by any route (direct, web proxies, SOCKS). Check the server name and ports; if your network needs a proxy, set it in Settings. (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="21"/>
        <source>Enter a host name or address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="24"/>
        <source>A host name has at most 253 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="39"/>
        <source>&quot;%1&quot; is not a valid host name (letters, digits, hyphens and dots; no spaces or ports).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="49"/>
        <location filename="../../ui/settings/connection_settings.cpp" line="58"/>
        <source>A port is a number from 1 to 65535.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="71"/>
        <source>A PAC URL starts with http://, https:// or file://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="74"/>
        <source>The PAC URL has no host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="82"/>
        <source>Enter the room to join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="85"/>
        <source>A room name has at most 64 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="98"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="100"/>
        <source>Server port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="101"/>
        <source>Alternative port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="104"/>
        <source>HTTP proxy port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="106"/>
        <source>PAC URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="108"/>
        <source>SOCKS server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="109"/>
        <source>SOCKS port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="111"/>
        <source>SOCKS version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/connection_settings.cpp" line="111"/>
        <source>Choose SOCKS4, SOCKS4a or SOCKS5.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::AppController</name>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="48"/>
        <source>Sign-in cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="101"/>
        <source>The connection dropped (%1); trying again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="104"/>
        <source>You left the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="151"/>
        <source>Some saved settings were not understood and were reset to their defaults:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="183"/>
        <source>Choose your deployment&apos;s CA certificate file in Settings first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="266"/>
        <source>Screen sharing stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="271"/>
        <source>The camera stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="311"/>
        <source>Sharing did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="343"/>
        <source>The camera did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/application/app_controller.cpp" line="373"/>
        <source>not started</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::CameraFeed</name>
    <message>
        <location filename="../../ui/devices/camera_source.cpp" line="73"/>
        <source>no camera found</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::ChatView</name>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="34"/>
        <source>Chat messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="37"/>
        <source>Write a message and press Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="39"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="40"/>
        <source>S&amp;end</source>
        <translation type="unfinished">S&amp;enden</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="45"/>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="115"/>
        <source>— new messages —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="120"/>
        <source>from the room&apos;s history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="129"/>
        <location filename="../../ui/meeting/chat_view.cpp" line="150"/>
        <source>(sending…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="130"/>
        <source>Not yet stored by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/chat_view.cpp" line="160"/>
        <source>(not sent: %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::ConnectionProbe</name>
    <message>
        <location filename="../../ui/sign_in/connection_probe.cpp" line="41"/>
        <source>The CA certificate file &quot;%1&quot; cannot be used: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/connection_probe.cpp" line="87"/>
        <source>Connected: %1; the server answered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/connection_probe.cpp" line="92"/>
        <source>No route reached the server: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::KeychainStore</name>
    <message>
        <location filename="../../ui/secrets/secret_store.cpp" line="13"/>
        <source>The system keychain is not available (%1); the password is not remembered.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::MeetingMedia</name>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="32"/>
        <source>test input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="36"/>
        <source>test output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="145"/>
        <source>test camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="165"/>
        <location filename="../../ui/meeting/meeting_media.cpp" line="208"/>
        <source>media is not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_media.cpp" line="183"/>
        <source>the test camera did not start</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::MeetingWindow</name>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="68"/>
        <source>Stop &amp;sharing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="92"/>
        <source>Participants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="107"/>
        <source>Meeting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="111"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="237"/>
        <source>&amp;Mute</source>
        <translation type="unfinished">&amp;Stummschalten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="114"/>
        <source>Ctrl+D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="118"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="247"/>
        <source>Start &amp;camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="121"/>
        <source>Ctrl+E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="125"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="267"/>
        <source>S&amp;hare screen…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="127"/>
        <source>Ctrl+Shift+S</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="137"/>
        <source>Se&amp;ttings…</source>
        <translation type="unfinished">Ein&amp;stellungen…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="141"/>
        <source>&amp;Leave</source>
        <translation type="unfinished">&amp;Verlassen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="143"/>
        <source>Ctrl+W</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="148"/>
        <source>starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="160"/>
        <source>Connected %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="166"/>
        <source>Room: %1</source>
        <translation type="unfinished">Raum: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="169"/>
        <source>Reconnected; messages sent meanwhile follow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="182"/>
        <source>%1 joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="191"/>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="192"/>
        <source>%1 left (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="201"/>
        <source>Reconnecting… the connection dropped (%1); next try in %2 s. Messages you write are sent when it is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="219"/>
        <source>No audio: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="220"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="221"/>
        <source>No video: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="223"/>
        <source>Share a screen or a window with everyone in the room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="232"/>
        <location filename="../../ui/meeting/meeting_window.cpp" line="365"/>
        <source>No microphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="234"/>
        <source>No microphone was found: the others cannot hear you. You hear them when speakers are there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="237"/>
        <source>Un&amp;mute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="239"/>
        <source>You are muted: nobody hears you (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="240"/>
        <source>Everyone hears you (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="244"/>
        <source>No camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="245"/>
        <source>No camera was found on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="247"/>
        <source>Stop &amp;camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="248"/>
        <source>Everyone sees you (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="249"/>
        <source>Let everyone see you (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="269"/>
        <source>You are sharing %1. Everyone in the room sees it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="271"/>
        <source>Stop s&amp;haring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="347"/>
        <source>sharing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="348"/>
        <source>waiting for the picture…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="352"/>
        <source>muted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="355"/>
        <source>camera off</source>
        <translation type="unfinished">Kamera aus</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="363"/>
        <source>Media: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="365"/>
        <source>Microphone: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="366"/>
        <source>No speakers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="366"/>
        <source>Speakers: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="368"/>
        <source>media over UDP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="370"/>
        <source>media inside the TLS connection (TCP)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="372"/>
        <source>media: trying UDP…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="426"/>
        <source>Parley</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/meeting_window.cpp" line="426"/>
        <source>%1 — Parley</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::ParticipantModel</name>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="110"/>
        <source>%1 (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="113"/>
        <source>muted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="113"/>
        <location filename="../../ui/meeting/participant_model.cpp" line="115"/>
        <source>on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="115"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="117"/>
        <source>sharing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="117"/>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="120"/>
        <source>relayed, UDP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="123"/>
        <source>relayed, TCP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="126"/>
        <source>relayed, trying UDP…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="128"/>
        <source>relayed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="134"/>
        <source>Your media goes through the room server: over UDP when it gets through, else inside the encrypted TLS connection (TCP).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="136"/>
        <source>Media in this room is relayed by the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="139"/>
        <source>Muted, or no microphone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="158"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="160"/>
        <source>Audio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="162"/>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="164"/>
        <source>Screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/participant_model.cpp" line="166"/>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::ProxyAuthDialog</name>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="17"/>
        <source>Proxy authentication</source>
        <translation type="unfinished">Proxy-Anmeldung</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="30"/>
        <source>The proxy &lt;b&gt;%1&lt;/b&gt; asks you to sign in (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="33"/>
        <source>The credentials you are logged in with were not accepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="36"/>
        <source>The proxy &lt;b&gt;%1&lt;/b&gt; asks for a user name and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="38"/>
        <source>Realm: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation type="unfinished">Bereich: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="40"/>
        <source>The last user name and password were not accepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="52"/>
        <source>&amp;User name:</source>
        <translation type="unfinished">&amp;Benutzername:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="53"/>
        <source>&amp;Password:</source>
        <translation type="unfinished">&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="57"/>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="58"/>
        <source>&amp;Domain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="60"/>
        <source>&amp;Remember in the system keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/proxy_auth_dialog.cpp" line="65"/>
        <source>&amp;Sign in to proxy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::RaceTableModel</name>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="100"/>
        <source>connected (winner)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="102"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="138"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="140"/>
        <source>Via</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="142"/>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="144"/>
        <source>Stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="146"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/race_table_model.cpp" line="148"/>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::Reader</name>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="66"/>
        <source>The saved setting &quot;%1&quot; was not understood; the default is used.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::SessionBridge</name>
    <message>
        <location filename="../../ui/application/session_bridge.cpp" line="184"/>
        <source>Choose your deployment&apos;s CA certificate file in Settings first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::SettingsDialog</name>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="55"/>
        <source>Connection settings — Parley</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="63"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="64"/>
        <source>parley.example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="65"/>
        <source>Server port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="66"/>
        <source>Alternative port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="67"/>
        <location filename="../../ui/settings/settings_dialog.cpp" line="72"/>
        <source>CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="68"/>
        <source>the deployment&apos;s ca.crt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="69"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="73"/>
        <source>Certificates (*.crt *.pem);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="81"/>
        <source>&amp;Server:</source>
        <translation type="unfinished">&amp;Server:</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="82"/>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="83"/>
        <source>&amp;Alternative port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="84"/>
        <source>&amp;CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="87"/>
        <source>Parley trusts only your deployment&apos;s certificate authority: a certificate from anyone else means the traffic is being inspected, and Parley refuses it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="93"/>
        <source>Se&amp;rver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="98"/>
        <source>A&amp;uto-detect settings (system, environment, WPAD/PAC, web-proxy:8088)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="102"/>
        <source>Detected: run Test connection to see what is found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="105"/>
        <source>Use this &amp;HTTP proxy:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="107"/>
        <source>Proxy host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="108"/>
        <source>Proxy port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="114"/>
        <source>PAC URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="115"/>
        <source>optional: http://wpad.example.org/proxy.pac</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="119"/>
        <source>HTTP proxy host name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="120"/>
        <source>P&amp;AC URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="121"/>
        <source>&amp;Web proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="128"/>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="128"/>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="128"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="131"/>
        <source>SOCKS servers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="132"/>
        <source>A&amp;dd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="134"/>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="153"/>
        <source>SOCKS servers, tried at the same time as everything else. SOCKS4a and SOCKS5 let the server resolve the name (no DNS leak).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="159"/>
        <source>S&amp;OCKS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="164"/>
        <source>Proxy user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="165"/>
        <source>Proxy password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="167"/>
        <source>Proxy domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="168"/>
        <source>optional (NTLM, Negotiate)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="172"/>
        <source>Leave blank until a proxy asks. Windows and Kerberos sign-in is tried first; the password is kept in the system keychain, never in a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="176"/>
        <source>User &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="177"/>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="178"/>
        <source>Do&amp;main:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="180"/>
        <source>Proxy si&amp;gn-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="190"/>
        <source>Connection attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="191"/>
        <source>&amp;Test connection</source>
        <translation type="unfinished">Verbindung &amp;testen</translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="386"/>
        <source>Testing every route…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="410"/>
        <source>Detected: no proxy; direct routes only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_dialog.cpp" line="411"/>
        <source>Detected: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::SettingsStore</name>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="92"/>
        <source>The settings file %1 could not be read; defaults are used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="140"/>
        <source>The saved SOCKS server list was not understood; the default is used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings/settings_store.cpp" line="177"/>
        <source>The settings could not be written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::ShareDialog</name>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="16"/>
        <source>Share screen — Parley</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="21"/>
        <source>Choose what everyone in the meeting will see. A whole screen shows everything on it; a window shows only that window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="29"/>
        <source>Screens and windows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="34"/>
        <source>%1×%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="38"/>
        <source>Window: %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="49"/>
        <source>Nothing can be shared here: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="52"/>
        <source>No screen or window was found to share.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/share_dialog.cpp" line="59"/>
        <source>&amp;Share</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::SignInWindow</name>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="31"/>
        <source>Sign in — Parley</source>
        <translation type="unfinished">Anmelden — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="37"/>
        <source>&lt;b&gt;Parley&lt;/b&gt;&lt;br&gt;Sign in to your conference server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="47"/>
        <source>parley.example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="55"/>
        <source>&amp;Remember my password (system keychain)</source>
        <translation type="unfinished">Passwort &amp;merken (Schlüsselbund des Systems)</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="58"/>
        <source>&amp;Server:</source>
        <translation type="unfinished">&amp;Server:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="59"/>
        <source>&amp;User name:</source>
        <translation type="unfinished">&amp;Benutzername:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="60"/>
        <source>&amp;Password:</source>
        <translation type="unfinished">&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="61"/>
        <source>R&amp;oom:</source>
        <translation type="unfinished">R&amp;aum:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="64"/>
        <source>&amp;Sign in</source>
        <translation type="unfinished">&amp;Anmelden</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="68"/>
        <source>&amp;Cancel</source>
        <translation type="unfinished">&amp;Abbrechen</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="70"/>
        <source>Se&amp;ttings…</source>
        <translation type="unfinished">Ein&amp;stellungen…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="99"/>
        <source>Connection attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="109"/>
        <source>Connection attempts:</source>
        <translation type="unfinished">Verbindungsversuche:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="156"/>
        <source>Enter your user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="157"/>
        <source>Enter your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="181"/>
        <source>Signing in: trying every route at once…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="197"/>
        <source>Enter &amp;proxy credentials…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in/sign_in_window.cpp" line="201"/>
        <source>Open &amp;settings…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::VideoTile</name>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="12"/>
        <source>waiting for the picture…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="12"/>
        <source>camera off</source>
        <translation type="unfinished">Kamera aus</translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="35"/>
        <source>Screen shared by %1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="36"/>
        <source>%1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="82"/>
        <source>%1&apos;s screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting/video_tile.cpp" line="82"/>
        <source>%1 (you)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
